#include "genrep/learn/LrSchedule.h"

#include <cmath>

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(LrSchedule, WarmsUpLinearlyThenFollowsTheCosineDownToTheFloor) {
  const LrSchedule schedule{0.1, 110, 10, 1e-3};
  EXPECT_NEAR(schedule.at(0), 0.01, 1e-12);
  EXPECT_NEAR(schedule.at(4), 0.05, 1e-12);
  EXPECT_NEAR(schedule.at(10), 0.1, 1e-12) << "the peak right after warm-up";
  EXPECT_NEAR(schedule.at(109), 0.1 * 1e-3, 1e-12) << "lr / 1000 at the last step";
  // Halfway through the decay the cosine is at the midpoint of lr and the floor
  // (111 steps, warm-up 10: the decay runs over steps 10..110, its middle is step 60).
  const LrSchedule exact{0.1, 111, 10, 1e-3};
  EXPECT_NEAR(exact.at(60), 0.5 * (0.1 + 1e-4), 1e-12);
  for (int64_t step = 11; step < 110; ++step) EXPECT_LT(schedule.at(step), schedule.at(step - 1));
}

TEST(LrSchedule, WithoutWarmUpStartsAtThePeak) {
  const LrSchedule schedule{0.03, 1000, 0, 1e-3};
  EXPECT_DOUBLE_EQ(schedule.at(0), 0.03);
  const double progress = 250.0 / 999.0;
  EXPECT_NEAR(schedule.at(250), 3e-5 + 0.5 * (0.03 - 3e-5) * (1 + std::cos(M_PI * progress)), 1e-15);
}

}  // namespace
}  // namespace genrep
