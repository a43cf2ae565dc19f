#include "genrep/core/Warning.h"

#include <mutex>
#include <set>

#include <fmt/format.h>

namespace genrep {

bool warnOnce(const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> said;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!said.insert(message).second) return false;
  fmt::print(stderr, "genrep: warning: {}\n", message);
  return true;
}

}  // namespace genrep
