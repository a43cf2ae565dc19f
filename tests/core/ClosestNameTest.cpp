#include "genrep/core/ClosestName.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(ClosestName, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(editDistance("", ""), 0u);
  EXPECT_EQ(editDistance("train", "train"), 0u);
  EXPECT_EQ(editDistance("trian", "train"), 2u);  // a swap is two substitutions
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("--pth", "--path"), 1u);
}

TEST(ClosestName, PicksTheNearestWithinAThirdOfTheNameOrNothing) {
  EXPECT_EQ(closestName("trian", {"demo", "train", "eval"}), "train");
  EXPECT_EQ(closestName("--versoin", {"--help", "--version"}), "--version");
  EXPECT_EQ(closestName("frobnicate", {"train", "eval", "demo"}), "");
  EXPECT_EQ(closestName("evl", {"eval", "evil"}), "eval") << "the first of equals";
  EXPECT_EQ(closestName("x", {}), "");
}

}  // namespace
}  // namespace genrep
