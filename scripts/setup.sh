#!/usr/bin/env bash
# Installs what genrep needs on Debian 12 (as root, or with sudo), PyTorch from PyPI into the
# project's virtual environment (.venv, the versions of scripts/requirements.txt), and builds
# genrep in Release against that PyTorch's LibTorch (the CUDA-enabled build, which runs on a CPU
# too).
# Usage: bash scripts/setup.sh [build-dir]     (default: build)
#   GENREP_VENV=DIR        another virtual environment (made when missing)
#   GENREP_CMAKE_ARGS=...  more CMake arguments; GENREP_BUILD_JOBS=N parallel compiles (2)
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache pkg-config python3-venv
  libgloo-dev                                    # Gloo's headers for c10d's ProcessGroupGloo (the wheel links Gloo in)
  libfmt-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libstb-dev zlib1g-dev
  libboost-dev                                   # Boost.Math (header-only): the t intervals of study comparisons
  libgtest-dev valgrind                           # valgrind: the channels_last heap check (tests/runtime)
  dataset-fashion-mnist                          # the embedded real dataset
  libjs-chart.js                                 # the charts of `genrep report` (inlined into each page at build time)
  chromium                                       # the report's browser test (tests/report), headless
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

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-build}
venv=${GENREP_VENV:-$root/.venv}
if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup: making the virtual environment $venv"
  python3 -m venv "$venv"
fi
# pip only checks when the pinned versions are already there.
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$root/scripts/requirements.txt"

cmake -S "$root" -B "$root/$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGENREP_PYTHON="$venv/bin/python" ${GENREP_CMAKE_ARGS:-} >/dev/null
cmake --build "$root/$build_dir" -j "${GENREP_BUILD_JOBS:-2}"
