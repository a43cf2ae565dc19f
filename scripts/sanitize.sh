#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (GENREP_SANITIZE=ON), in
# its own build folder (build-asan).
#   bash scripts/sanitize.sh          # the LibTorch-free tests (config, files, parsers, checkpoints,
#                                     # settings, PNG): a few minutes; part of CI (scripts/test.sh)
#   bash scripts/sanitize.sh --all    # every test, LibTorch and the CLI included: builds everything
#                                     # instrumented (~25 minutes on 2 cores); run before submitting
# LibTorch itself is not instrumented: container-overflow checks are off (they misfire across
# instrumented / uninstrumented code) and so is leak checking of the LibTorch tests (LibTorch
# keeps allocations for the life of the process by design).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/build-asan"
cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGENREP_SANITIZE=ON -DGENREP_USE_PCH=OFF >/dev/null
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_container_overflow=0:strict_string_checks=1
if [[ "${1:-}" == "--all" ]]; then
  cmake --build "$out" -j "${GENREP_BUILD_JOBS:-2}"
  ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" ctest --test-dir "$out" --output-on-failure -j "${GENREP_TEST_JOBS:-2}"
else
  cmake --build "$out" -j "${GENREP_BUILD_JOBS:-2}" --target genrep_base_tests
  "$out/tests/genrep_base_tests" --gtest_brief=1
fi
