#!/usr/bin/env bash
# The GPU checks: the one prepared script to run on a machine with a CUDA GPU (the device tool
# lends one to some sessions; docs/benchmark.md, "On a GPU"). From the repository root:
#   bash scripts/gpu_check.sh [OUT]        # OUT: where the report goes ($OUT, else gpu-check/)
# 1. builds genrep against the machine's PyTorch (GENREP_PYTHON, else .venv/bin/python, else
#    python3), or uses a build/ carried along that runs there;
# 2. runs the whole suite (CTest) with a GPU present: the OnDevice tests' cuda cases run instead
#    of skipping;
# 3. `genrep demo --quick --device cuda`;
# 4. the pipeline benchmark's grid with genrep on cuda (bench/pipeline.sh grid, genrep's points);
# and writes OUT/gpu_check.md: date, GPU, driver, CUDA and PyTorch versions, each step's outcome,
# the demo's table and the grid. Fits 10 minutes on one GPU with 16 cores: every step has its
# own time limit and a step that fails or runs out is reported, the rest still run.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=${1:-${OUT:-$root/gpu-check}}
mkdir -p "$out"
report="$out/gpu_check.md"
jobs=$(nproc)
python=${GENREP_PYTHON:-}
if [[ -z "$python" ]]; then
  if [[ -x .venv/bin/python ]]; then python="$root/.venv/bin/python"; else python=$(command -v python3); fi
fi

step() {  # step NAME SECONDS COMMAND...: runs it with a time limit, its log in OUT/NAME.log
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$out/$name.log" 2>&1
  local status=$?
  local verdict="passed"
  ((status == 124)) && verdict="ran out of its ${limit} s"
  ((status != 0 && status != 124)) && verdict="failed (exit $status)"
  echo "| $name | $verdict | $((SECONDS - start)) s |" >> "$out/steps.md"
  echo "gpu_check: $name: $verdict ($((SECONDS - start)) s)"
  return $status
}

: > "$out/steps.md"
{
  echo "# genrep on a GPU: scripts/gpu_check.sh"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- GPU: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo 'nvidia-smi not found')"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $jobs cores"
  echo "- PyTorch: $("$python" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version(), "GPU visible:", torch.cuda.is_available())' 2>&1)"
} > "$report.head"

# 1. The build: a carried build/ that runs here, else a fresh one against this machine's PyTorch.
torch_lib=$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null)
export LD_LIBRARY_PATH="${torch_lib:+$torch_lib:}${LD_LIBRARY_PATH:-}"
if ! ./build/genrep --version > /dev/null 2>&1; then
  step build 420 bash -c "cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGENREP_PYTHON='$python' &&
                          cmake --build build -j $jobs"
fi
./build/genrep --version > "$out/version.txt" 2>&1

# 2. The suite, with the GPU visible: the device tests take cuda as well as the CPU.
step tests 300 ctest --test-dir build --output-on-failure -j "$jobs" --timeout 240
grep -E "tests passed|tests failed" "$out/tests.log" > "$out/tests-summary.txt"
grep -E "OnDevice|Skipped|\*\*\*Failed" "$out/tests.log" >> "$out/tests-summary.txt"

# 3. The demo's quick table, every method on the GPU.
step demo 240 ./build/genrep demo --quick --set run.device=cuda --threads "$jobs" --set run.root="$out/runs"

# 4. genrep's side of the pipeline grid on the GPU (the Python references are CPU-only).
step grid 240 env GENREP_PYTHON="$python" GENREP_BENCH_DEVICE=cuda GENREP_BENCH_GRID_GENREP_ONLY=1 GENREP_BENCH_THREADS="$jobs" \
  GENREP_BENCH_OUT="$out/bench" bash bench/pipeline.sh grid

{
  cat "$report.head"
  echo
  echo "| step | outcome | time |"
  echo "|---|---|---:|"
  cat "$out/steps.md"
  echo
  echo '## genrep --version'
  echo '```'
  cat "$out/version.txt"
  echo '```'
  echo '## Tests'
  echo '```'
  cat "$out/tests-summary.txt"
  echo '```'
  echo '## Demo (--quick, cuda)'
  cat "$out"/runs/demo*/table.md 2>/dev/null || echo "(no table: see demo.log)"
  echo
  echo '## Pipeline grid (genrep stream on cuda)'
  cat "$out/bench/grid.md" 2>/dev/null || echo "(no grid: see grid.log)"
} > "$report"
rm -f "$report.head"
echo "gpu_check: report in $report"
