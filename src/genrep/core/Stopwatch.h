#pragma once
// Wall time of a piece of work, for the throughput and time shares genrep reports.
//
//   const auto start = SteadyClock::now();
//   ...;
//   double seconds = secondsSince(start);
#include <chrono>

namespace genrep {

using SteadyClock = std::chrono::steady_clock;

inline double secondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace genrep
