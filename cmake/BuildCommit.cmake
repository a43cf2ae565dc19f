# Writes OUT (core/BuildCommit.cpp) with the source tree's git commit, "-dirty" when tracked
# files differ from it, or "unknown" outside a git checkout. Run at every build; the file is
# rewritten only when the text changes, so an unchanged commit recompiles nothing.
# A result's provenance names this commit (runtime/Provenance.h).
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE failed ERROR_QUIET)
if(failed)
  set(commit "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" diff --quiet HEAD -- RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty)
    string(APPEND commit "-dirty")
  endif()
endif()
set(text "// Generated at build time by cmake/BuildCommit.cmake.\n#include \"genrep/core/BuildCommit.h\"\n\nnamespace genrep {\nconst char* buildCommit() { return \"${commit}\"; }\n}  // namespace genrep\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
