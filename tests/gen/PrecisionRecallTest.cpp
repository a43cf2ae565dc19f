#include "genrep/gen/PrecisionRecall.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

double distance(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).pow(2).sum().sqrt().item<double>(); }

// The definition, one pair at a time.
PrecisionRecall naive(const torch::Tensor& real, const torch::Tensor& fake, int64_t k) {
  const auto radii = [&](const torch::Tensor& set) {
    std::vector<double> r;
    for (int64_t i = 0; i < set.size(0); ++i) {
      std::vector<double> d;
      for (int64_t j = 0; j < set.size(0); ++j) {
        if (j != i) d.push_back(distance(set[i], set[j]));
      }
      std::sort(d.begin(), d.end());
      r.push_back(d[static_cast<size_t>(k - 1)]);
    }
    return r;
  };
  const auto covered = [&](const torch::Tensor& queries, const torch::Tensor& set, const std::vector<double>& r) {
    int64_t inside = 0;
    for (int64_t q = 0; q < queries.size(0); ++q) {
      for (int64_t p = 0; p < set.size(0); ++p) {
        if (distance(queries[q], set[p]) <= r[static_cast<size_t>(p)]) {
          ++inside;
          break;
        }
      }
    }
    return static_cast<double>(inside) / static_cast<double>(queries.size(0));
  };
  return {covered(fake, real, radii(real)), covered(real, fake, radii(fake))};
}

TEST(PrecisionRecall, MatchesTheDefinitionComputedPairByPair) {
  torch::manual_seed(3);
  const torch::Tensor real = torch::randn({60, 5}, torch::kFloat64);
  const torch::Tensor fake = 0.7 * torch::randn({45, 5}, torch::kFloat64) + 0.6;  // overlapping, narrower, shifted
  for (const int64_t k : {1, 3, 5}) {
    const PrecisionRecall got = precisionRecall(real, fake, k), expected = naive(real, fake, k);
    EXPECT_DOUBLE_EQ(got.precision, expected.precision) << "k " << k;
    EXPECT_DOUBLE_EQ(got.recall, expected.recall) << "k " << k;
    EXPECT_GT(got.precision, 0.0);
    EXPECT_LT(got.recall, 1.0);
  }
}

TEST(PrecisionRecall, IdenticalSetsAreOneFarSetsZeroAndACollapsedGeneratorKeepsPrecisionButLosesRecall) {
  torch::manual_seed(4);
  const torch::Tensor real = torch::randn({200, 4});
  const PrecisionRecall same = precisionRecall(real, real, 3);
  EXPECT_EQ(same.precision, 1.0);
  EXPECT_EQ(same.recall, 1.0);
  const PrecisionRecall far = precisionRecall(real, real + 100.0, 3);
  EXPECT_EQ(far.precision, 0.0);
  EXPECT_EQ(far.recall, 0.0);
  // Every sample near one real mode: realistic, but most of the data is not covered.
  const torch::Tensor mode = real.index({torch::indexing::Slice(0, 1)});
  const PrecisionRecall collapsed = precisionRecall(real, mode + 0.01 * torch::randn({200, 4}), 3);
  EXPECT_EQ(collapsed.precision, 1.0);
  EXPECT_LT(collapsed.recall, 0.1);
}

TEST(PrecisionRecall, RefusesMismatchedOrTooSmallSets) {
  EXPECT_NE(test::errorOf([] { precisionRecall(torch::zeros({10, 3}), torch::zeros({10, 4})); }).find("3 dims, generated 4"),
            std::string::npos);
  EXPECT_NE(test::errorOf([] { precisionRecall(torch::zeros({3, 2}), torch::zeros({10, 2}), 3); }).find("real set has 3 points"),
            std::string::npos);
  EXPECT_NE(test::errorOf([] { precisionRecall(torch::zeros({10}), torch::zeros({10, 2})); }).find("must be [N, D]"), std::string::npos);
}

}  // namespace
}  // namespace genrep
