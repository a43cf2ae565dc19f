#include "genrep/core/MeanSpread.h"

#include <cmath>
#include <stdexcept>

namespace genrep {

MeanSpread meanAndSpread(const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("meanAndSpread: no values");
  MeanSpread s;
  for (double v : values) s.mean += v;
  s.mean /= static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.spread = values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
  return s;
}

}  // namespace genrep
