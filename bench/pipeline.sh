#!/usr/bin/env bash
# The pipeline benchmark, side by side in one run (docs/benchmark.md has the results):
#   bash bench/pipeline.sh            # from the repository root, after scripts/setup.sh
# Settings: GENREP_BENCH_STEPS (30 measured steps after 3 warm-up), GENREP_BENCH_THREADS (2),
# GENREP_BENCH_OUT (bench-out), GENREP_BENCH_GENERATOR (models/fashion-mnist-cgan). Writes one JSON
# per pipeline and pipeline.md (the table) there.
#
# (a) the paper-style Python pipeline (PNG files, PIL + torchvision per image, a DataLoader with
#     0-2 workers) and a Python on-the-fly path (generate, augment batched tensors), each once
#     with glibc's default allocator, as users run Python, and once with genrep's allocator
#     settings (no mmap for large blocks) given through glibc's environment variables;
# (b) genrep's generator stream and (c) genrep on offline shards, fp32 and with the speed
#     switches (channels_last, bf16 autocast of the generator and of the encoder), and the
#     stream spending each generated anchor more than once (--refresh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
steps=${GENREP_BENCH_STEPS:-30}
threads=${GENREP_BENCH_THREADS:-2}
out=${GENREP_BENCH_OUT:-bench-out}
generator=${GENREP_BENCH_GENERATOR:-models/fashion-mnist-cgan}
mkdir -p "$out"

missing=()
for package in python3-torch python3-torchvision python3-pil; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "pipeline bench: installing ${missing[*]}"
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -x build/bench/genrep_pipeline_bench ]] || { echo "pipeline bench: build first (bash scripts/setup.sh)" >&2; exit 1; }

# The same offline data for both: 200 anchors per class x (anchor + 5 gaussian neighbours).
./build/genrep generate --generator "$generator" --anchors 200 --pool 5 --sigma 0.5 --out "$out/shards" --threads "$threads" \
  --set run.root="$out/runs" --run-name generate >/dev/null
python=/usr/bin/python3
tuned=(env MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824)
reference=("$python" bench/reference_pipeline.py --steps "$steps" --threads "$threads" --data "$out/png" --generator "$generator")
"${reference[@]}" png --workers 0 --json "$out/python-png-w0.json"
"${reference[@]}" png --workers 1 --json "$out/python-png-w1.json"
"${reference[@]}" png --workers 2 --json "$out/python-png-w2.json"
"${tuned[@]}" "${reference[@]}" png --workers 1 --json "$out/python-png-w1-tuned.json"
"${reference[@]}" stream --json "$out/python-stream.json"
"${tuned[@]}" "${reference[@]}" stream --json "$out/python-stream-tuned.json"

genrep=(./build/bench/genrep_pipeline_bench --steps "$steps" --threads "$threads" --generator "$generator")
"${genrep[@]}" --source stream --json "$out/genrep-stream.json"
"${genrep[@]}" --source stream --channels-last --json "$out/genrep-stream-cl.json"
"${genrep[@]}" --source stream --channels-last --generator-precision bf16 --json "$out/genrep-stream-cl-gbf16.json"
"${genrep[@]}" --source stream --channels-last --generator-channels-last --json "$out/genrep-stream-cl-gcl.json"
"${genrep[@]}" --source stream --channels-last --generator-channels-last --generator-precision bf16 --json "$out/genrep-stream-cl-gcl-gbf16.json"
"${genrep[@]}" --source stream --channels-last --generator-precision bf16 --encoder-precision bf16 --json "$out/genrep-stream-cl-bf16.json"
# Spending generated anchors more than once: a quarter or a half of each batch new, the rest
# from a window of the 4096 most recent anchors.
"${genrep[@]}" --source stream --refresh 0.5 --json "$out/genrep-stream-r50.json"
"${genrep[@]}" --source stream --refresh 0.25 --json "$out/genrep-stream-r25.json"
"${genrep[@]}" --source stream --refresh 0.25 --channels-last --generator-channels-last --json "$out/genrep-stream-r25-cl.json"
"${genrep[@]}" --source shards --shards "$out/shards" --json "$out/genrep-shards.json"
"${genrep[@]}" --source shards --shards "$out/shards" --channels-last --json "$out/genrep-shards-cl.json"
"${genrep[@]}" --source shards --shards "$out/shards" --channels-last --encoder-precision bf16 --json "$out/genrep-shards-cl-bf16.json"

"$python" bench/pipeline_table.py "$out" | tee "$out/pipeline.md"
