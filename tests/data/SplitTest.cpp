#include "genrep/data/Split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace genrep {
namespace {

std::vector<int64_t> labels(int64_t n, int64_t classes) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < n; ++i) out.push_back((i * 7 + i / 3) % classes);
  return out;
}

TEST(Split, HeldAndKeptAreDisjointAndCoverEverything) {
  const std::vector<int64_t> y = labels(1000, 10);
  const HoldOut split = carveHoldOut(y, 0.1, 5);
  std::vector<int64_t> all = split.kept;
  all.insert(all.end(), split.held.begin(), split.held.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 1000u);
  for (int64_t i = 0; i < 1000; ++i) ASSERT_EQ(all[static_cast<size_t>(i)], i) << "each index exactly once";
  EXPECT_TRUE(std::is_sorted(split.kept.begin(), split.kept.end()));
  EXPECT_TRUE(std::is_sorted(split.held.begin(), split.held.end()));
}

TEST(Split, StratifiedPerClass) {
  const std::vector<int64_t> y = labels(1000, 10);
  const HoldOut split = carveHoldOut(y, 0.1, 5);
  for (int64_t c = 0; c < 10; ++c) {
    const auto total = std::count(y.begin(), y.end(), c);
    const auto held = std::count_if(split.held.begin(), split.held.end(), [&](int64_t i) { return y[static_cast<size_t>(i)] == c; });
    EXPECT_EQ(held, std::llround(0.1 * static_cast<double>(total))) << "class " << c;
  }
}

TEST(Split, StableForASeedAndDifferentForAnother) {
  const std::vector<int64_t> y = labels(500, 5);
  EXPECT_EQ(carveHoldOut(y, 0.2, 11).held, carveHoldOut(y, 0.2, 11).held);
  EXPECT_NE(carveHoldOut(y, 0.2, 11).held, carveHoldOut(y, 0.2, 12).held);
}

// Pinned: the validation split of every user's dataset must not move between versions.
TEST(Split, IsPinned) {
  const HoldOut split = carveHoldOut(labels(40, 2), 0.1, 0);
  ASSERT_EQ(split.held.size(), 4u);
  const HoldOut again = carveHoldOut(labels(40, 2), 0.1, 0);
  EXPECT_EQ(split.held, again.held);
}

TEST(Split, KeepsAtLeastOnePerClassAndAllowsZero) {
  const HoldOut tiny = carveHoldOut({0, 1, 1}, 0.9, 1);
  EXPECT_EQ(tiny.kept.size(), 2u);  // one of class 0, one of class 1
  const HoldOut none = carveHoldOut(labels(50, 5), 0.0, 1);
  EXPECT_TRUE(none.held.empty());
  EXPECT_EQ(none.kept.size(), 50u);
}

TEST(Split, UnlabelledImagesAreOneGroup) {
  const HoldOut split = carveHoldOut(std::vector<int64_t>(100, -1), 0.25, 3);
  EXPECT_EQ(split.held.size(), 25u);
}

TEST(Split, FractionOutsideRangeIsAnError) {
  EXPECT_THROW(carveHoldOut({0, 1}, 1.0, 0), std::invalid_argument);
  EXPECT_THROW(carveHoldOut({0, 1}, -0.1, 0), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
