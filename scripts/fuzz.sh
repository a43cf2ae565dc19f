#!/usr/bin/env bash
# Fuzzes genrep's binary parsers (IDX, CIFAR, synthetic shards, checkpoint files) with libFuzzer under
# AddressSanitizer and UndefinedBehaviorSanitizer, for a bounded time per parser.
#   bash scripts/fuzz.sh            # 60 s per parser
#   bash scripts/fuzz.sh 600        # 10 minutes per parser
#   GENREP_FUZZ_TARGETS=checkpoint bash scripts/fuzz.sh 60    # one parser
# Exits non-zero on the first finding; libFuzzer writes the input as crash-* / leak-* /
# timeout-* in build-fuzz/findings/. Corpora grow in build-fuzz/corpus/ between runs.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
missing=()
for package in clang cmake ninja-build libfmt-dev nlohmann-json3-dev libtomlplusplus-dev zlib1g-dev python3; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
out="$root/build-fuzz"
cmake -S "$root/fuzz" -B "$out" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j2

# Seeds: one small valid input per parser, so the fuzzer starts inside the format.
mkdir -p "$out/corpus/idx" "$out/corpus/cifar" "$out/corpus/shard" "$out/corpus/checkpoint" "$out/findings"
python3 - "$out/corpus" <<'PY'
import struct, sys
out = sys.argv[1]
# IDX: 3 images of 2x3 and 3 labels
open(f"{out}/idx/images", "wb").write(struct.pack(">IIII", 0x803, 3, 2, 3) + bytes(range(18)))
open(f"{out}/idx/labels", "wb").write(struct.pack(">II", 0x801, 3) + bytes([0, 1, 2]))
# CIFAR-10: two records (label + 3072 pixels); CIFAR-100: coarse + fine label + pixels
open(f"{out}/cifar/c10", "wb").write(b"".join(bytes([i]) + bytes([i] * 3072) for i in range(2)))
open(f"{out}/cifar/c100", "wb").write(b"".join(bytes([1, 7]) + bytes([i] * 3072) for i in range(2)))
# Shard: 2 anchors x 2 views of 1x2x2 images, latent 2, 3 classes, FNV-1a 64 hash over the payload
images = bytes(range(16)); z = struct.pack("<8f", *[0.5 * i for i in range(8)]); y = struct.pack("<2q", 0, 2)
h = 0xcbf29ce484222325
for b in images + z + y:
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
header = b"GRSHARD\0" + struct.pack("<IIQIIIIIiIIddQQ", 1, 2, 0, 2, 1, 2, 2, 2, 3, 1, 0, 0.5, 1.0, 0, h)
open(f"{out}/shard/seed.grs", "wb").write(header + images + z + y)
# Checkpoint: kind, settings and a payload after the 56-byte header; FNV-1a 64 over header bytes 8..48 and the body
def fnv(data, h=0xcbf29ce484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h
kind, settings, payload = b"encoder-training", b'{"learn.steps":10}', b"PK\x03\x04payload"
fields = struct.pack("<IIqQQQ", 1, 1, 7, len(kind), len(settings), len(payload))
body = kind + settings + payload
open(f"{out}/checkpoint/seed.pt", "wb").write(b"GRCKPT\r\n" + fields + struct.pack("<Q", fnv(body, fnv(fields))) + body)
PY

for parser in ${GENREP_FUZZ_TARGETS:-idx cifar shard checkpoint}; do
  echo "== fuzz_$parser for ${seconds} s"
  (cd "$out/findings" && "$out/fuzz_$parser" -max_total_time="$seconds" -max_len=16384 -print_final_stats=1 \
      "$out/corpus/$parser")
done
echo "no findings"
