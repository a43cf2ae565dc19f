#!/usr/bin/env bash
# Set up, build, and run the whole test suite (GoogleTest through CTest), then the
# LibTorch-free tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh" build
cd "$root/build"
ctest --output-on-failure -j "${GENREP_TEST_JOBS:-2}"
bash "$root/scripts/sanitize.sh"
