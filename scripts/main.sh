#!/usr/bin/env bash
# The main job: set up, build, and run genrep on the embedded dataset (Fashion-MNIST).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh" build
cd "$root"
./build/genrep --version
./build/genrep data info "$@"
