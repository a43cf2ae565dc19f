#!/usr/bin/env bash
# Installs what genrep needs on Debian 12 (as root, or with sudo) and builds it in Release.
# Usage: bash scripts/setup.sh [build-dir]     (default: build)
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache pkg-config
  libtorch-dev libopenblas0-openmp libgloo-dev   # LibTorch 1.13 (CPU), a fast BLAS, c10d's Gloo headers
  libfmt-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libstb-dev zlib1g-dev
  libgtest-dev valgrind                           # valgrind: the channels_last heap check (tests/runtime)
  dataset-fashion-mnist                          # the embedded real dataset
  libjs-chart.js                                 # the charts of `genrep report` (inlined into each page at build time)
  chromium                                       # the report's browser test (tests/report), headless
  python3-torchvision                            # tests cross-check encoders against torchvision (never used by genrep)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build_dir=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmake -S "$root" -B "$root/$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${GENREP_CMAKE_ARGS:-} >/dev/null
cmake --build "$root/$build_dir" -j "${GENREP_BUILD_JOBS:-2}"
