#!/usr/bin/env bash
# The install as a user gets it: `cmake --install` into a fresh prefix, the installed binary
# run from an unrelated folder (it must find the shipped generator and write its caches under
# XDG_CACHE_HOME), and examples/embed built against the installed CMake package and run.
# Needs a build in build/ (scripts/setup.sh build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$root/build" --prefix "$prefix" > "$work/install.log"
echo "installed into $prefix: $(find "$prefix" -type f | wc -l) files"
if grep -rl "$root/build" "$prefix/include" > "$work/leaks.txt"; then
  echo "check_install: installed headers name the build tree:" >&2
  cat "$work/leaks.txt" >&2
  exit 1
fi

# The installed binary from another folder: it finds its models beside its prefix.
mkdir -p "$work/elsewhere"
cd "$work/elsewhere"
version=$(XDG_CACHE_HOME="$work/xdg" "$prefix/bin/genrep" --version)
for expected in "models $prefix/share/genrep/models" "cache $work/xdg/genrep"; do
  echo "$version" | grep -F "$expected" > /dev/null ||
    { echo "check_install: 'genrep --version' lacks '$expected':" >&2; echo "$version" >&2; exit 1; }
done
XDG_CACHE_HOME="$work/xdg" "$prefix/bin/genrep" gan sample --threads 2 --set run.root="$work/runs" > "$work/sample.log"
test -s "$work"/runs/*/samples.png
echo "installed genrep ran from $work/elsewhere: $(tail -1 "$work/sample.log")"

# A C++ user's program against the installed package.
# Its LibTorch is the one genrep was built on, found as a PyTorch user finds theirs.
torch_prefix=$("${GENREP_PYTHON:-$root/.venv/bin/python}" -c 'import torch; print(torch.utils.cmake_prefix_path)')
cmake -S "$root/examples/embed" -B "$work/embed" -DCMAKE_PREFIX_PATH="$prefix;$torch_prefix" > "$work/embed-configure.log"
cmake --build "$work/embed" -j "${GENREP_BUILD_JOBS:-2}" > "$work/embed-build.log"
"$work/embed/embed"
