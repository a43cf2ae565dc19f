#!/usr/bin/env bash
# The main job: set up, build, and run genrep on the embedded dataset (Fashion-MNIST) from the
# shipped generator: its sample sheet, quality report and a view panel, then `genrep demo` (encoders by every
# method, evaluated on the real test split; 29 minutes on 2 cores after the build, measured on
# 2026-12-01, docs/demo.md).
#   bash scripts/main.sh                       # uses models/fashion-mnist-cgan as shipped
#   bash scripts/main.sh --retrain-generator   # first retrains it from scratch (docs/gan.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh" build
cd "$root"
./build/genrep --version
./build/genrep data info --run-name main-data-info
if [[ "${1:-}" == "--retrain-generator" ]]; then
  # A fresh run folder, so nothing resumes from an earlier checkpoint.
  ./build/genrep gan train --config configs/gan-fashion-mnist.toml --out models/fashion-mnist-cgan \
    --run-name "gan-fashion-mnist-$(date +%Y%m%d-%H%M%S)"
fi
./build/genrep gan sample --generator models/fashion-mnist-cgan --run-name main-gan-sample
./build/genrep gan eval --generator models/fashion-mnist-cgan --run-name main-gan-eval
./build/genrep views --generator models/fashion-mnist-cgan --run-name main-views
./build/genrep demo
# One page with the demo's table and charts, the generator and the view panel (docs/report.md).
./build/genrep report runs/demo models/fashion-mnist-cgan runs/main-views --out runs/demo/report.html
echo "main: the demo's report is $root/runs/demo/report.html (open it in a browser; it needs no network)"
