#pragma once
// The learning rate by step (LibTorch 1.13 has no cosine scheduler): linear warm-up from
// lr/warmup to lr over `warmup` steps, then cosine decay to lr * finalRatio at the last step.
//
//   LrSchedule schedule{0.06, 1000, 50, 1e-3};
//   double lr = schedule.at(step);   // step in [0, steps)
#include <cstdint>

namespace genrep {

struct LrSchedule {
  double lr = 0.03;
  int64_t steps = 1;
  int64_t warmup = 0;
  double finalRatio = 1e-3;  // cosine decay to lr / 1000

  double at(int64_t step) const;
};

}  // namespace genrep
