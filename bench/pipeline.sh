#!/usr/bin/env bash
# The pipeline benchmark, side by side in one run (docs/benchmark.md has the results):
#   bash bench/pipeline.sh [switches|grid|overlap|all]   # from the repository root, after scripts/setup.sh
# Settings: GENREP_BENCH_STEPS (30 measured steps after 3 warm-up), GENREP_BENCH_THREADS (2),
# GENREP_BENCH_OUT (bench-out), GENREP_BENCH_GENERATOR (models/fashion-mnist-cgan), GENREP_PYTHON
# (.venv/bin/python: the references' PyTorch), GENREP_BENCH_DEVICE (cpu; genrep's side of the
# grid runs there, e.g. cuda on a GPU machine: scripts/gpu_check.sh). Writes one JSON
# per pipeline and pipeline.md (the table) there; the grid writes grid/*.json and grid.md, overlap
# overlap/*.json.
#
# switches (the default): the shipped generator and the default encoder, every pipeline below:
# (a) the paper-style Python pipeline (PNG files, PIL + torchvision per image, a DataLoader with
#     0-2 workers) and a Python on-the-fly path (generate, augment batched tensors), each once
#     with glibc's default allocator, as users run Python, and once with genrep's allocator
#     settings (no mmap for large blocks) given through glibc's environment variables;
# (b) genrep's generator stream and (c) genrep on offline shards, fp32 and with the speed
#     switches (channels_last, bf16 autocast of the generator and of the encoder), and the
#     stream spending each generated anchor more than once (--refresh); channels_last fp32 and
#     bf16 again with LibTorch held at AVX2 (ONEDNN_MAX_CPU_ISA, ATEN_CPU_CAPABILITY,
#     MKL_ENABLE_INSTRUCTIONS), an AVX2-only CPU's view.
# grid: how the cost grows with the work. Generator output 28 grey (the shipped one), 32 grey,
#     64 and 128 RGB (bench/make_bench_generators.py: the shipped architecture at those sizes) x
#     encoder genrep's default, torchvision's ResNet-18 and ResNet-50 (CIFAR stem up to 32 px,
#     ImageNet stem and normalisation for RGB; 112-px crops of the 128-px images, as the paper) x
#     genrep's stream, the Python on-the-fly path and the paper-style PNG pipeline (1 worker):
#     views/s, the shares of a step and peak resident memory, fp32.
#     GENREP_BENCH_GRID_STEPS (10 measured steps after 2 warm-up); anchors per step 128 / 64 / 32
#     for the default / ResNet-18 / ResNet-50 encoder (2 cores: time, not memory, bounds them).
#     GENREP_BENCH_GRID_POINTS: an extended regular expression; only the points whose name
#     (c<channels>-<side>-<encoder>, e.g. c3-128-resnet50) matches it run (default: all).
#     GENREP_BENCH_GRID_GENREP_ONLY=1: genrep's points only, without the Python references.
# overlap: the stream with a producer thread making the next step's views (views.prefetch_threads)
#     in every split of the threads, with and without reuse, beside the Python on-the-fly path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
steps=${GENREP_BENCH_STEPS:-30}
threads=${GENREP_BENCH_THREADS:-2}
out=${GENREP_BENCH_OUT:-bench-out}
generator=${GENREP_BENCH_GENERATOR:-models/fashion-mnist-cgan}
part=${1:-switches}
case "$part" in
  switches | grid | overlap | all) ;;
  *) echo "usage: bash bench/pipeline.sh [switches|grid|overlap|all]" >&2; exit 2 ;;
esac
mkdir -p "$out"

[[ -x build/bench/genrep_pipeline_bench ]] || { echo "pipeline bench: build first (bash scripts/setup.sh)" >&2; exit 1; }
# The Python references run on the PyTorch genrep is built on (scripts/setup.sh's .venv).
python=${GENREP_PYTHON:-$root/.venv/bin/python}
"$python" -c 'import torch, torchvision, PIL' 2>/dev/null ||
  { echo "pipeline bench: $python cannot import torch, torchvision and PIL (bash scripts/setup.sh installs them into .venv)" >&2; exit 1; }
device=${GENREP_BENCH_DEVICE:-cpu}

switches() {
  # The same offline data for both: 200 anchors per class x (anchor + 5 gaussian neighbours).
  ./build/genrep generate --generator "$generator" --anchors 200 --pool 5 --sigma 0.5 --out "$out/shards" --threads "$threads" \
    --set run.root="$out/runs" --run-name generate >/dev/null
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
  # A CPU with AVX2 only, as LibTorch's three CPU libraries can be told to see it (oneDNN, ATen's
  # own kernels, MKL): fp32 against bf16, which oneDNN emulates there.
  avx2=(env ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2)
  "${avx2[@]}" "${genrep[@]}" --source stream --channels-last --json "$out/genrep-stream-cl-avx2.json"
  "${avx2[@]}" "${genrep[@]}" --source stream --channels-last --generator-precision bf16 --encoder-precision bf16 \
    --json "$out/genrep-stream-cl-bf16-avx2.json"

  "$python" bench/pipeline_table.py "$out" | tee "$out/pipeline.md"
}

grid() {
  local steps=${GENREP_BENCH_GRID_STEPS:-10} folder="$out/grid"
  mkdir -p "$folder"
  "$python" bench/make_bench_generators.py "$out/generators"
  local g arch channels side crop stem norm batch name
  for g in "$generator" "$out/generators/grey32" "$out/generators/rgb64" "$out/generators/rgb128"; do
    read -r channels side < <("$python" -c 'import json, sys; s = json.load(open(sys.argv[1]))["image_shape"]; print(s[0], s[1])' "$g/manifest.json")
    crop=$((side == 128 ? 112 : side))
    for arch in resnet resnet18 resnet50; do
      stem=$( ((side <= 32)) && echo cifar || echo imagenet)
      norm=$([[ $channels == 3 && $arch != resnet ]] && echo imagenet || echo none)
      batch=$(case $arch in resnet) echo 128 ;; resnet18) echo 64 ;; *) echo 32 ;; esac)
      name="c${channels}-${side}-${arch}"
      [[ "$name" =~ ${GENREP_BENCH_GRID_POINTS:-.} ]] || continue
      echo "== grid: $g (${channels}x${side}x${side}, views ${crop} px), $arch ($stem stem, input norm $norm), $batch anchors x 2 views"
      ./build/bench/genrep_pipeline_bench --source stream --generator "$g" --arch "$arch" --stem "$stem" --input-norm "$norm" \
        --crop-size "$crop" --batch "$batch" --steps "$steps" --warmup 2 --threads "$threads" --device "$device" \
        --json "$folder/$name-genrep-stream.json"
      [[ "${GENREP_BENCH_GRID_GENREP_ONLY:-0}" == 1 ]] && continue
      local reference=("$python" bench/reference_pipeline.py --generator "$g" --arch "$arch" --stem "$stem" --input-norm "$norm"
        --crop "$crop" --batch "$batch" --steps "$steps" --warmup 2 --threads "$threads")
      "${reference[@]}" stream --json "$folder/$name-python-stream.json"
      "${reference[@]}" png --workers 1 --anchors-per-class 40 --data "$out/png-c${channels}-${side}" --json "$folder/$name-python-png.json"
    done
  done
  # The paper's point once more with genrep's answers to generation's cost: offline shards of
  # the same size as the PNG dataset, and a stream that spends each anchor about 4 times.
  g="$out/generators/rgb128" name="c3-128-resnet50"
  if [[ "$name" =~ ${GENREP_BENCH_GRID_POINTS:-.} ]]; then
    local paper=(./build/bench/genrep_pipeline_bench --generator "$g" --arch resnet50 --input-norm imagenet --crop-size 112 --batch 32
      --steps "$steps" --warmup 2 --threads "$threads" --device "$device")
    ./build/genrep generate --generator "$g" --anchors 40 --pool 5 --sigma 0.5 --out "$out/shards-c3-128" --threads "$threads" \
      --set run.root="$out/runs" --run-name generate-c3-128 >/dev/null
    "${paper[@]}" --source shards --shards "$out/shards-c3-128" --json "$folder/$name-genrep-shards.json"
    "${paper[@]}" --source stream --refresh 0.25 --json "$folder/$name-genrep-stream-r25.json"
  fi
  "$python" bench/pipeline_table.py --grid "$folder" | tee "$out/grid.md"
}

overlap() {
  local folder="$out/overlap" half=$((threads > 1 ? threads / 2 : 1))
  mkdir -p "$folder"
  local genrep=(./build/bench/genrep_pipeline_bench --source stream --steps "$steps" --generator "$generator")
  "${genrep[@]}" --threads "$threads" --json "$folder/genrep-t$threads.json"
  "${genrep[@]}" --threads "$threads" --prefetch-threads 1 --json "$folder/genrep-t$threads-p1.json"
  "${genrep[@]}" --threads "$half" --prefetch-threads "$half" --json "$folder/genrep-t$half-p$half.json"
  "${genrep[@]}" --threads "$threads" --prefetch-threads "$threads" --json "$folder/genrep-t$threads-p$threads.json"
  "${genrep[@]}" --threads "$threads" --refresh 0.25 --json "$folder/genrep-t$threads-r25.json"
  "${genrep[@]}" --threads "$threads" --refresh 0.25 --prefetch-threads 1 --json "$folder/genrep-t$threads-r25-p1.json"
  local reference=("$python" bench/reference_pipeline.py stream --steps "$steps" --threads "$threads" --generator "$generator")
  "${reference[@]}" --json "$folder/python-stream.json"
  env MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 "${reference[@]}" --json "$folder/python-stream-tuned.json"
}

if [[ "$part" == switches || "$part" == all ]]; then switches; fi
if [[ "$part" == grid || "$part" == all ]]; then grid; fi
if [[ "$part" == overlap || "$part" == all ]]; then overlap; fi
