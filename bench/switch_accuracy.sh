#!/usr/bin/env bash
# What the speed switches do to accuracy: `genrep demo --quick` once per switch (docs/benchmark.md).
#   bash bench/switch_accuracy.sh        # from the repository root, after scripts/setup.sh
# Each variant is a run folder bench-out/runs/acc-<name> (a finished one is reused); the
# comparison table goes to stdout and bench-out/switch-accuracy.md. About 2-3 minutes a variant.
# GENREP_BENCH_GENERATOR: the generator folder (default models/fashion-mnist-cgan).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=${GENREP_BENCH_OUT:-bench-out}
generator=${GENREP_BENCH_GENERATOR:-models/fashion-mnist-cgan}
mkdir -p "$out"
run() {
  local name=$1
  shift
  ./build/genrep demo --quick --generator "$generator" --set run.root="$out/runs" --run-name "acc-$name" "$@" >"$out/acc-$name.log" 2>&1
  tail -1 "$out/acc-$name.log"
}
run fp32 --threads 2
run channels-last --threads 2 --set learn.channels_last=true
run generator-bf16 --threads 2 --set views.generator_precision=bf16
run all-bf16 --threads 2 --set learn.channels_last=true --set views.generator_precision=bf16 --set learn.precision=bf16
run threads-1 --threads 1
run refresh-0.5 --threads 2 --set views.refresh=0.5 --set views.window=1024
run refresh-0.25 --threads 2 --set views.refresh=0.25 --set views.window=1024
"${GENREP_PYTHON:-.venv/bin/python}" bench/accuracy_table.py "$out/runs" fp32 channels-last generator-bf16 all-bf16 threads-1 refresh-0.5 refresh-0.25 |
  tee "$out/switch-accuracy.md"

# Reuse at the demo's full budget (400 steps x 256 anchors, SimCLR, gaussian views, seed 0),
# where the stream sees 102 400 anchors and refresh 0.25 about 4 096 + 25 600: GENREP_BENCH_FULL=1.
if [[ ${GENREP_BENCH_FULL:-0} == 1 ]]; then
  for refresh in 1.0 0.25; do
    ./build/genrep train --steps 400 --batch 256 --threads 2 --set run.root="$out/runs" --run-name "full-refresh-$refresh" \
      --set views.refresh="$refresh" >"$out/full-refresh-$refresh.log" 2>&1
    ./build/genrep eval --encoder "$out/runs/full-refresh-$refresh/encoder" --threads 2 --set run.root="$out/runs" \
      --run-name "full-refresh-$refresh-eval" >"$out/full-refresh-$refresh-eval.log" 2>&1
    echo "refresh $refresh: $(grep -E "^trained" "$out/full-refresh-$refresh.log")"
    grep -E "linear|kNN|few-shot" "$out/full-refresh-$refresh-eval.log" | tail -3
  done
fi
