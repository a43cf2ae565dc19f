#include "genrep/gen/SpectralNorm.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {

double largestSingularValue(const torch::Tensor& weight) {  // SVD reference, double precision
  return torch::linalg_svdvals(weight.reshape({weight.size(0), -1}).to(torch::kFloat64))[0].item<double>();
}

TEST(SpectralNorm, PowerIterationConvergesToTheLargestSingularValue) {
  torch::manual_seed(1);
  SNConv2d conv(SNConv2dOptions(8, 16, 3).padding(1));
  conv->train();
  const torch::Tensor x = torch::randn({2, 8, 5, 5});
  for (int i = 0; i < 300; ++i) conv->forward(x);  // one power iteration per training forward
  const double reference = largestSingularValue(conv->weight);
  const double estimate = conv->norm.sigma(conv->weight).item<double>();
  std::printf("sigma: power iteration %.8f, SVD %.8f, relative error %.2e\n", estimate, reference,
              std::abs(estimate - reference) / reference);
  EXPECT_NEAR(estimate, reference, 1e-4 * reference);
}

TEST(SpectralNorm, NormalisedWeightHasSpectralNormOne) {
  torch::manual_seed(2);
  SNLinear linear(20, 7);
  linear->train();
  const torch::Tensor x = torch::randn({3, 20});
  torch::Tensor normalised;
  for (int i = 0; i < 300; ++i) normalised = linear->norm.normalise(linear->weight, true);
  EXPECT_NEAR(largestSingularValue(normalised.detach()), 1.0, 1e-4);
  // The layer's output is the plain linear map with that normalised weight.
  linear->eval();
  const torch::Tensor expected = torch::addmm(linear->bias, x, linear->norm.normalise(linear->weight, false).t());
  EXPECT_TRUE(torch::allclose(linear->forward(x), expected, 1e-6, 1e-6));
}

TEST(SpectralNorm, EvalModeLeavesTheEstimateUnchanged) {
  torch::manual_seed(3);
  SNEmbedding embed(5, 12);
  embed->eval();
  const torch::Tensor before = embed->norm.sigma(embed->weight).detach().clone();
  for (int i = 0; i < 5; ++i) embed->forward(torch::tensor({0, 3}, torch::kInt64));
  EXPECT_TRUE(torch::equal(before, embed->norm.sigma(embed->weight).detach()));
}

TEST(SpectralNorm, TwoForwardPassesBeforeBackwardWork) {
  // The discriminator runs on real and fake images before one backward pass; the
  // in-place update of u and v must not break the first pass's graph.
  torch::manual_seed(4);
  SNLinear linear(6, 4);
  linear->train();
  const torch::Tensor loss = linear->forward(torch::randn({2, 6})).sum() + linear->forward(torch::randn({2, 6})).sum();
  EXPECT_NO_THROW(loss.backward());
  EXPECT_TRUE(linear->weight.grad().defined());
}

}  // namespace
}  // namespace genrep
