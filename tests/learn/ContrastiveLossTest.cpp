#include "genrep/learn/ContrastiveLoss.h"

#include <cmath>

#include <gtest/gtest.h>

namespace genrep {
namespace {

namespace F = torch::nn::functional;

// The loss of SPEC 2.4 written as the formula reads, one view at a time, in double.
double naiveLoss(const torch::Tensor& z, const std::vector<int64_t>& ids, double tau, double tauBase) {
  const int64_t n = z.size(0);
  const auto s = [&](int64_t i, int64_t j) { return z[i].dot(z[j]).item<double>(); };
  double total = 0;
  int64_t used = 0;
  for (int64_t i = 0; i < n; ++i) {
    double denominator = 0;
    for (int64_t j = 0; j < n; ++j) {
      if (j != i) denominator += std::exp(s(i, j) / tau);
    }
    double sum = 0;
    int64_t positives = 0;
    for (int64_t p = 0; p < n; ++p) {
      if (p == i || ids[static_cast<size_t>(p)] != ids[static_cast<size_t>(i)]) continue;
      sum += s(i, p) / tau - std::log(denominator);
      ++positives;
    }
    if (positives == 0) continue;
    total += -(tau / tauBase) * sum / static_cast<double>(positives);
    ++used;
  }
  return total / static_cast<double>(used);
}

torch::Tensor unitRows(int64_t n, int64_t d, uint64_t seed) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(seed);
  return F::normalize(torch::randn({n, d}, rng, torch::kFloat64), F::NormalizeFuncOptions().dim(1));
}

TEST(ContrastiveLoss, MatchesTheNaiveDoubleLoopInValueAndGradient) {
  const std::vector<int64_t> ids = {0, 1, 2, 3, 0, 1, 2, 3, 0, 2};  // three views of 0 and 2, two of 1 and 3
  const torch::Tensor base = unitRows(10, 6, 1);
  torch::Tensor z = base.clone().requires_grad_(true);
  const ContrastiveLossResult result = contrastiveLoss(z, torch::tensor(ids), 0.1, 0.07);
  result.loss.backward();
  const double expected = naiveLoss(base, ids, 0.1, 0.07);
  std::printf("contrastive loss %.12f, naive %.12f, |diff| %.3g\n", result.loss.item<double>(), expected,
              std::abs(result.loss.item<double>() - expected));
  EXPECT_NEAR(result.loss.item<double>(), expected, 1e-10);
  EXPECT_EQ(result.viewsWithPositive, 10);

  // Central finite differences of the naive loss, coordinate by coordinate.
  double maxError = 0;
  const double h = 1e-6;
  for (int64_t i = 0; i < z.size(0); ++i) {
    for (int64_t d = 0; d < z.size(1); ++d) {
      torch::Tensor plus = base.clone(), minus = base.clone();
      plus[i][d] += h;
      minus[i][d] -= h;
      const double numeric = (naiveLoss(plus, ids, 0.1, 0.07) - naiveLoss(minus, ids, 0.1, 0.07)) / (2 * h);
      maxError = std::max(maxError, std::abs(numeric - z.grad()[i][d].item<double>()));
    }
  }
  std::printf("gradient max |autograd - finite difference| %.3g\n", maxError);
  EXPECT_LT(maxError, 1e-6);
}

TEST(ContrastiveLoss, IdenticalEmbeddingsGiveTheClosedForm) {
  // Every similarity is 1: loss = (tau / tau_base) * log(2N - 1); with tau = tau_base it is
  // -log(1 / (2N - 1)), the chance level of picking the positive among 2N - 1 others.
  const int64_t n = 8;
  const torch::Tensor z = F::normalize(torch::ones({2 * n, 5}, torch::kFloat64), F::NormalizeFuncOptions().dim(1));
  const torch::Tensor ids = torch::arange(n, torch::kInt64).repeat({2});
  EXPECT_NEAR(contrastiveLoss(z, ids, 0.1, 0.1).loss.item<double>(), -std::log(1.0 / (2 * n - 1)), 1e-12);
  EXPECT_NEAR(contrastiveLoss(z, ids, 0.1, 0.07).loss.item<double>(), 0.1 / 0.07 * std::log(2.0 * n - 1), 1e-12);
}

TEST(ContrastiveLoss, IsSymmetricUnderSwappingTheViews) {
  const int64_t n = 6;
  const torch::Tensor z = unitRows(2 * n, 4, 2);
  const torch::Tensor ids = torch::arange(n, torch::kInt64).repeat({2});
  const torch::Tensor swapped = torch::cat({z.slice(0, n), z.slice(0, 0, n)});
  EXPECT_NEAR(contrastiveLoss(z, ids, 0.1, 0.07).loss.item<double>(), contrastiveLoss(swapped, ids, 0.1, 0.07).loss.item<double>(),
              1e-12);
}

TEST(ContrastiveLoss, AViewWithoutPositiveIsLeftOutNotNaN) {
  // SupCon with class ids: the last view is the only one of class 9.
  const std::vector<int64_t> ids = {0, 0, 1, 1, 0, 9};
  const torch::Tensor base = unitRows(6, 4, 3);
  torch::Tensor z = base.clone().requires_grad_(true);
  const ContrastiveLossResult result = contrastiveLoss(z, torch::tensor(ids), 0.1, 0.07);
  result.loss.backward();
  EXPECT_EQ(result.viewsWithPositive, 5);
  EXPECT_TRUE(std::isfinite(result.loss.item<double>()));
  EXPECT_TRUE(torch::isfinite(z.grad()).all().item<bool>());
  EXPECT_NEAR(result.loss.item<double>(), naiveLoss(base, ids, 0.1, 0.07), 1e-10) << "the mean over the other five";
}

TEST(ContrastiveLoss, NoPositiveAtAllGivesAZeroLossWithAGraph) {
  const torch::Tensor base = unitRows(4, 3, 4);
  torch::Tensor z = base.clone().requires_grad_(true);
  const ContrastiveLossResult result = contrastiveLoss(z, torch::arange(4, torch::kInt64), 0.1, 0.07);
  EXPECT_EQ(result.viewsWithPositive, 0);
  EXPECT_EQ(result.loss.item<double>(), 0.0);
  result.loss.backward();
  EXPECT_TRUE(torch::isfinite(z.grad()).all().item<bool>());
}

TEST(ContrastiveLoss, StaysFiniteForLargeSimilaritiesOverSmallTemperatures) {
  const torch::Tensor z = unitRows(8, 3, 5).to(torch::kFloat32);
  const torch::Tensor ids = torch::arange(4, torch::kInt64).repeat({2});
  EXPECT_TRUE(std::isfinite(contrastiveLoss(z, ids, 1e-3, 0.07).loss.item<double>())) << "exp(1000) would overflow without the row max";
}

}  // namespace
}  // namespace genrep
