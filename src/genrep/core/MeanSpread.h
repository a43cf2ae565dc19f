#pragma once
// Mean and spread (sample standard deviation, n - 1) of repeated measurements: the
// "mean ± spread" of few-shot draws and of seeds.
//
//   MeanSpread s = meanAndSpread({0.81, 0.83, 0.82});   // s.mean 0.82, s.spread 0.01
#include <vector>

namespace genrep {

struct MeanSpread {
  double mean = 0;
  double spread = 0;  // 0 for a single value
};

// Throws std::invalid_argument on an empty list.
MeanSpread meanAndSpread(const std::vector<double>& values);

}  // namespace genrep
