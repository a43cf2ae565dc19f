#include "genrep/learn/LrSchedule.h"

#include <algorithm>
#include <cmath>

namespace genrep {

double LrSchedule::at(int64_t step) const {
  if (step < warmup) return lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const int64_t decaySteps = std::max<int64_t>(1, steps - warmup - 1);
  const double progress = std::min(1.0, static_cast<double>(step - warmup) / static_cast<double>(decaySteps));
  const double low = lr * finalRatio;
  return low + 0.5 * (lr - low) * (1.0 + std::cos(M_PI * progress));
}

}  // namespace genrep
