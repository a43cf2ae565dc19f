#pragma once
// One "genrep: warning: ..." line on stderr per distinct message and process: a setting that
// was not applied is said once, not at every step or for every model that asks again.
//
//   warnOnce("learn.channels_last was not applied: ...");
#include <string>

namespace genrep {

// Returns whether the line was printed now (false: it was printed before).
bool warnOnce(const std::string& message);

}  // namespace genrep
