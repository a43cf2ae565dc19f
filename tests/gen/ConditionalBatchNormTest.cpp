#include "genrep/gen/ConditionalBatchNorm.h"

#include <gtest/gtest.h>

#include <cmath>

namespace genrep {
namespace {

TEST(ConditionalBatchNorm, MatchesAHandComputation) {
  torch::manual_seed(5);
  ConditionalBatchNorm bn(3, 2);
  {
    torch::NoGradGuard noGrad;
    bn->gain.copy_(torch::tensor({{1.5, 0.5, 2.0}, {-1.0, 3.0, 0.25}}));
    bn->bias.copy_(torch::tensor({{0.1, -0.2, 0.3}, {1.0, 2.0, -3.0}}));
  }
  bn->train();
  const torch::Tensor x = torch::randn({4, 3, 2, 2}, torch::kFloat64).to(torch::kFloat32);
  const torch::Tensor y = torch::tensor({0, 1, 1, 0}, torch::kInt64);
  const torch::Tensor out = bn->forward(x, y);

  const torch::Tensor x64 = x.to(torch::kFloat64), gain64 = bn->gain.detach().to(torch::kFloat64);
  const torch::Tensor bias64 = bn->bias.detach().to(torch::kFloat64), out64 = out.detach().to(torch::kFloat64);
  const auto xa = x64.accessor<double, 4>();
  const auto g = gain64.accessor<double, 2>();
  const auto b = bias64.accessor<double, 2>();
  const auto oa = out64.accessor<double, 4>();
  double maxError = 0;
  for (int c = 0; c < 3; ++c) {
    double mean = 0, var = 0;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) mean += xa[n][c][i][j] / 16.0;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) var += (xa[n][c][i][j] - mean) * (xa[n][c][i][j] - mean) / 16.0;  // biased, as BN
    for (int n = 0; n < 4; ++n) {
      const int cls = n == 1 || n == 2 ? 1 : 0;
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          const double expected = (xa[n][c][i][j] - mean) / std::sqrt(var + 1e-5) * g[cls][c] + b[cls][c];
          maxError = std::max(maxError, std::abs(expected - oa[n][c][i][j]));
        }
    }
  }
  std::printf("conditional batch norm: max error against the hand computation %.2e\n", maxError);
  EXPECT_LT(maxError, 1e-5);
}

TEST(ConditionalBatchNorm, UnconditionalIsPlainBatchNormWithOneGainAndBias) {
  torch::manual_seed(6);
  ConditionalBatchNorm bn(2, 0);
  EXPECT_EQ(bn->gain.size(0), 1);
  const torch::Tensor x = torch::randn({5, 2, 3, 3});
  torch::nn::BatchNorm2d reference(torch::nn::BatchNorm2dOptions(2).affine(false));
  EXPECT_TRUE(torch::allclose(bn->forward(x, torch::Tensor()), reference(x), 1e-5, 1e-6));
}

}  // namespace
}  // namespace genrep
