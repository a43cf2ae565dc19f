#include "genrep/views/LatentView.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/data/SyntheticShard.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

// Variance of a standard normal truncated to [-2, 2]: 1 - 2 * 2 phi(2) / (2 Phi(2) - 1).
const double kTruncatedVariance = 1.0 - 4.0 * 0.05399096651318806 / (2.0 * 0.9772498680518208 - 1.0);

struct Moments {
  double mean = 0, variance = 0, maxAbs = 0;
};

Moments momentsOf(const std::vector<double>& values) {
  Moments m;
  for (double v : values) m.mean += v, m.maxAbs = std::max(m.maxAbs, std::abs(v));
  m.mean /= static_cast<double>(values.size());
  for (double v : values) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= static_cast<double>(values.size() - 1);
  return m;
}

constexpr int64_t kDim = 16;
constexpr uint64_t kAnchors = 4000;

// The shard format stores a kind's value (data/SyntheticShard.h, which cannot see views/): its
// count of kinds must grow with the table, or a new kind's shards would be refused as corrupt.
TEST(LatentView, TheKindTableIsInValueOrderAndTheShardFormatCountsEveryKind) {
  const NameTable<LatentViewKind>& kinds = latentViewKinds();
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(static_cast<size_t>(kinds[i].first), i) << kinds[i].second;
  EXPECT_EQ(static_cast<size_t>(kShardLatentViewKinds), kinds.size());
  EXPECT_TRUE(latentViewNeedsClasses(LatentViewKind::Independent));
  EXPECT_FALSE(latentViewNeedsClasses(LatentViewKind::Gaussian));
  EXPECT_TRUE(latentViewNeedsWalks(LatentViewKind::Steering));
  EXPECT_FALSE(latentViewNeedsWalks(LatentViewKind::None));
}

TEST(LatentView, AnchorsFollowTheScaledTruncatedNormalAndUniformClasses) {
  const LatentSampler sampler({LatentViewKind::None, 0.5, 1.5, false, nullptr}, kDim, 10, 7);
  std::vector<double> values;
  std::vector<int> perClass(10, 0);
  for (uint64_t i = 0; i < kAnchors; ++i) {
    const LatentCode code = sampler.anchor(i);
    ASSERT_EQ(code.z.size(), static_cast<size_t>(kDim));
    values.insert(values.end(), code.z.begin(), code.z.end());
    ASSERT_GE(code.y, 0);
    ASSERT_LT(code.y, 10);
    ++perClass[static_cast<size_t>(code.y)];
  }
  const Moments m = momentsOf(values);
  EXPECT_NEAR(m.mean, 0.0, 0.02);
  EXPECT_NEAR(m.variance, 1.5 * 1.5 * kTruncatedVariance, 0.03);
  EXPECT_LE(m.maxAbs, 2.0 * 1.5 + 1e-6) << "truncation bounds z to t * [-2, 2]";
  EXPECT_GT(m.maxAbs, 2.9) << "the bound is reached, not a narrower law";
  for (int count : perClass) EXPECT_NEAR(count, 400, 80);
}

TEST(LatentView, TheSameAnchorIndexGivesTheSameCode) {
  const LatentSampler a({LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr}, kDim, 10, 3);
  const LatentSampler b({LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr}, kDim, 10, 3);
  const LatentSampler other({LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr}, kDim, 10, 4);
  EXPECT_EQ(a.anchor(12).z, b.anchor(12).z);
  EXPECT_EQ(a.neighbour(12, 3).z, b.neighbour(12, 3).z);
  EXPECT_NE(a.anchor(12).z, a.anchor(13).z);
  EXPECT_NE(a.neighbour(12, 1).z, a.neighbour(12, 2).z) << "each neighbour of the pool differs";
  EXPECT_NE(a.anchor(12).z, other.anchor(12).z) << "another seed, other anchors";
  EXPECT_EQ(a.neighbour(12, 0).z, a.anchor(12).z) << "neighbour 0 is the anchor itself";
}

TEST(LatentView, NoneKeepsTheLatent) {
  const LatentSampler sampler({LatentViewKind::None, 0.5, 1.0, false, nullptr}, kDim, 10, 1);
  for (uint64_t i = 0; i < 50; ++i) {
    EXPECT_EQ(sampler.neighbour(i, 1).z, sampler.anchor(i).z);
    EXPECT_EQ(sampler.neighbour(i, 1).y, sampler.anchor(i).y);
  }
}

TEST(LatentView, GaussianOffsetsHaveSigmaTimesTheTruncatedNormalLaw) {
  const double sigma = 0.3;
  const LatentSampler sampler({LatentViewKind::Gaussian, sigma, 1.0, false, nullptr}, kDim, 10, 2);
  std::vector<double> offsets;
  for (uint64_t i = 0; i < kAnchors; ++i) {
    const LatentCode anchor = sampler.anchor(i), neighbour = sampler.neighbour(i, 1);
    ASSERT_EQ(neighbour.y, anchor.y) << "same class";
    for (int64_t d = 0; d < kDim; ++d) offsets.push_back(neighbour.z[static_cast<size_t>(d)] - anchor.z[static_cast<size_t>(d)]);
  }
  const Moments m = momentsOf(offsets);
  EXPECT_NEAR(m.mean, 0.0, 0.01);
  EXPECT_NEAR(m.variance, sigma * sigma * kTruncatedVariance, 0.004);
  EXPECT_LE(m.maxAbs, 2.0 * sigma + 1e-5);
}

TEST(LatentView, IndependentViewsKeepTheClassAndDrawAFreshLatent) {
  const LatentSampler sampler({LatentViewKind::Independent, 0.5, 1.0, false, nullptr}, kDim, 10, 5);
  std::vector<double> values;
  double product = 0;
  for (uint64_t i = 0; i < kAnchors; ++i) {
    const LatentCode anchor = sampler.anchor(i), neighbour = sampler.neighbour(i, 1);
    ASSERT_EQ(neighbour.y, anchor.y);
    values.insert(values.end(), neighbour.z.begin(), neighbour.z.end());
    product += anchor.z[0] * neighbour.z[0];
  }
  const Moments m = momentsOf(values);
  EXPECT_NEAR(m.variance, kTruncatedVariance, 0.03) << "the anchor law";
  EXPECT_NEAR(product / kAnchors / kTruncatedVariance, 0.0, 0.06) << "uncorrelated with the anchor";
}

TEST(LatentView, ImpossibleSettingsAreNamed) {
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { LatentSampler({LatentViewKind::Independent, 0.5, 1.0, false, nullptr}, 8, 0, 0); })
                .find("conditional"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { LatentSampler({LatentViewKind::Gaussian, 0.0, 1.0, false, nullptr}, 8, 10, 0); })
                .find("views.sigma"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { parseLatentViewKind("steer"); }).find("steer"), std::string::npos);
}

}  // namespace
}  // namespace genrep
