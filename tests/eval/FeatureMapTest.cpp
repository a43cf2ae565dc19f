#include "genrep/eval/FeatureMap.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

namespace genrep {
namespace {

// Features with a known answer: coordinates (a, b), centred, uncorrelated (b made orthogonal to a)
// and of spread 3 : 1, on two orthonormal directions of a 6-d space, plus a constant offset. Their
// covariance is diagonal with distinct variances, so the principal components are exactly those
// two directions: the map must give back (a, b), up to each component's sign, and hold all of
// the variance.
TEST(FeatureMap, RecoversKnownPrincipalCoordinates) {
  torch::manual_seed(0);
  const int64_t n = 200;
  torch::Tensor a = torch::randn({n}, torch::kFloat64), b = torch::randn({n}, torch::kFloat64);
  a = a - a.mean();
  b = b - b.mean();
  b = b - (b.dot(a) / a.dot(a)) * a;
  a = a * (3 * b.norm() / a.norm());
  const auto [q, r] = torch::linalg_qr(torch::randn({6, 6}, torch::kFloat64));  // an orthonormal basis
  const torch::Tensor features = a.unsqueeze(1) * q.select(1, 0) + b.unsqueeze(1) * q.select(1, 1) + 5.0;  // [n, 6]
  const torch::Tensor labels = torch::arange(n) % 10;
  const FeatureMap map = principalMap(features.to(torch::kFloat32), labels);
  ASSERT_EQ(map.x.size(), static_cast<size_t>(n));
  const torch::Tensor ac = a - a.mean(), bc = b - b.mean();
  // Each component's sign: chosen so its largest coordinate is positive; compare up to it.
  const double signX = map.x[static_cast<size_t>(ac.abs().argmax().item<int64_t>())] * ac[ac.abs().argmax()].item<double>() > 0 ? 1 : -1;
  const double signY = map.y[static_cast<size_t>(bc.abs().argmax().item<int64_t>())] * bc[bc.abs().argmax()].item<double>() > 0 ? 1 : -1;
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_NEAR(map.x[static_cast<size_t>(i)], signX * ac[i].item<double>(), 1e-4) << i;
    EXPECT_NEAR(map.y[static_cast<size_t>(i)], signY * bc[i].item<double>(), 1e-4) << i;
  }
  EXPECT_NEAR(map.explained, 1.0, 1e-6);
  EXPECT_EQ(map.labels[13], 3);
  // The largest coordinate of each component is positive.
  EXPECT_GT(*std::max_element(map.x.begin(), map.x.end()), -*std::min_element(map.x.begin(), map.x.end()));
}

TEST(FeatureMap, RefusesShapesItCannotMap) {
  EXPECT_THROW(principalMap(torch::zeros({1, 4}), torch::zeros({1})), std::invalid_argument);
  EXPECT_THROW(principalMap(torch::zeros({5, 4}), torch::zeros({4})), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
