#include "genrep/gen/FrechetDistance.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(FrechetDistance, OfASetToItselfIsZero) {
  torch::manual_seed(7);
  const torch::Tensor features = torch::randn({500, 16});
  EXPECT_NEAR(frechetDistance(features, features), 0.0, 1e-8);
}

TEST(FrechetDistance, MatchesTheClosedFormForDiagonalGaussians) {
  // Commuting (diagonal) covariances: FD = |mu1 - mu2|^2 + sum (s1 - s2)^2.
  const torch::Tensor mu1 = torch::tensor({0.0, 1.0, -2.0}, torch::kFloat64);
  const torch::Tensor mu2 = torch::tensor({0.5, 1.0, 1.0}, torch::kFloat64);
  const torch::Tensor s1 = torch::tensor({1.0, 2.0, 0.5}, torch::kFloat64);
  const torch::Tensor s2 = torch::tensor({3.0, 1.0, 0.5}, torch::kFloat64);
  const double closedForm = (mu1 - mu2).pow(2).sum().item<double>() + (s1 - s2).pow(2).sum().item<double>();
  const double fd = frechetDistanceFromMoments(mu1, torch::diag(s1 * s1), mu2, torch::diag(s2 * s2));
  std::printf("Frechet distance %.12f, closed form %.12f\n", fd, closedForm);
  EXPECT_NEAR(fd, closedForm, 1e-9);
}

TEST(FrechetDistance, MatchesTheEigenvaluesOfTheCovarianceProduct) {
  // Independent reference: tr((S1 S2)^(1/2)) = sum sqrt(eig(S1 S2)), the eigenvalues of a
  // product of positive definite matrices being real and positive.
  torch::manual_seed(8);
  const torch::Tensor a = torch::randn({6, 6}, torch::kFloat64), b = torch::randn({6, 6}, torch::kFloat64);
  const torch::Tensor s1 = a.matmul(a.t()) + torch::eye(6, torch::kFloat64);
  const torch::Tensor s2 = b.matmul(b.t()) + 0.5 * torch::eye(6, torch::kFloat64);
  const torch::Tensor mu1 = torch::randn({6}, torch::kFloat64), mu2 = torch::randn({6}, torch::kFloat64);
  const torch::Tensor eigenvalues = torch::real(torch::linalg_eigvals(s1.matmul(s2)));
  const double reference = (mu1 - mu2).pow(2).sum().item<double>() + s1.trace().item<double>() + s2.trace().item<double>() -
                           2 * eigenvalues.sqrt().sum().item<double>();
  EXPECT_NEAR(frechetDistanceFromMoments(mu1, s1, mu2, s2), reference, 1e-8 * std::abs(reference));
}

TEST(FrechetDistance, SampleEstimateApproachesTheClosedForm) {
  torch::manual_seed(9);
  const torch::Tensor a = torch::randn({20000, 4});
  const torch::Tensor b = torch::randn({20000, 4}) * 2.0 + 1.0;  // mean 1, std 2 per dimension
  // 4 * (1^2 + (2 - 1)^2) = 8
  EXPECT_NEAR(frechetDistance(a, b), 8.0, 0.25);
}

TEST(FrechetDistance, RejectsMismatchedShapes) {
  EXPECT_THROW(frechetDistance(torch::randn({10, 3}), torch::randn({10, 4})), std::invalid_argument);
  EXPECT_THROW(frechetDistance(torch::randn({1, 3}), torch::randn({10, 3})), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
