#!/usr/bin/env bash
# Runs a command under valgrind, as CTest's heap check; exits 77 (CTest: skipped) when valgrind
# cannot start the program at all: valgrind 3.19 stops with SIGILL in a shared library's start-up
# on some CPUs (seen on an AMD EPYC at libhwy's rdtscp, before main), which says nothing about
# the program's heap. Any other outcome is valgrind's own exit status.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" > "$log" 2>&1
status=$?
cat "$log"
if ((status != 0)) && grep -q 'signal 4 (SIGILL)' "$log" && grep -q '_dl_init' "$log"; then
  echo "ValgrindOrSkip: skipped: valgrind cannot run this CPU's library start-up (an instruction it does not emulate, before main)"
  exit 77
fi
exit "$status"
