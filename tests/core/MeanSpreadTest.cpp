#include "genrep/core/MeanSpread.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(MeanSpread, IsTheMeanAndTheSampleStandardDeviation) {
  const MeanSpread s = meanAndSpread({2.0, 4.0, 9.0});
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.spread, std::sqrt((9.0 + 1.0 + 16.0) / 2.0));
  EXPECT_EQ(meanAndSpread({0.7}).spread, 0.0);
  EXPECT_THROW(meanAndSpread({}), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
