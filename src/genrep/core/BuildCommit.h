#pragma once
// The git commit this genrep was built from (cmake/BuildCommit.cmake, at every build): a
// 12-digit hash, "-dirty" when tracked files differed from it, or "unknown" when the source was
// not a git checkout. Results name it (runtime/Provenance.h).
namespace genrep {
const char* buildCommit();
}  // namespace genrep
