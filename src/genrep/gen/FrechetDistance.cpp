#include "genrep/gen/FrechetDistance.h"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace genrep {
namespace {

// Square root of a symmetric positive semi-definite matrix through its eigen-decomposition.
torch::Tensor symmetricSqrt(const torch::Tensor& matrix) {
  auto [values, vectors] = torch::linalg_eigh(matrix, "L");
  return vectors.matmul(torch::diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
}

std::pair<torch::Tensor, torch::Tensor> moments(const torch::Tensor& features) {
  const torch::Tensor x = features.to(torch::kFloat64);
  const torch::Tensor mean = x.mean(0);
  const torch::Tensor centred = x - mean;
  return {mean, centred.t().matmul(centred) / static_cast<double>(x.size(0) - 1)};
}

}  // namespace

double frechetDistanceFromMoments(const torch::Tensor& meanA, const torch::Tensor& covA, const torch::Tensor& meanB,
                                  const torch::Tensor& covB) {
  const torch::Tensor ma = meanA.to(torch::kFloat64), mb = meanB.to(torch::kFloat64);
  const torch::Tensor sa = covA.to(torch::kFloat64), sb = covB.to(torch::kFloat64);
  const torch::Tensor root = symmetricSqrt(sa);
  const torch::Tensor middle = root.matmul(sb).matmul(root);
  const torch::Tensor traceSqrt = torch::linalg_eigvalsh(0.5 * (middle + middle.t()), "L").clamp_min(0).sqrt().sum();
  return ((ma - mb).pow(2).sum() + sa.trace() + sb.trace() - 2 * traceSqrt).item<double>();
}

double frechetDistance(const torch::Tensor& featuresA, const torch::Tensor& featuresB) {
  if (featuresA.dim() != 2 || featuresB.dim() != 2 || featuresA.size(1) != featuresB.size(1) || featuresA.size(0) < 2 ||
      featuresB.size(0) < 2) {
    throw std::invalid_argument(fmt::format("frechetDistance: need two [N >= 2, D] feature sets of equal D, got [{}] and [{}]",
                                            fmt::join(featuresA.sizes(), ", "), fmt::join(featuresB.sizes(), ", ")));
  }
  const auto [meanA, covA] = moments(featuresA);
  const auto [meanB, covB] = moments(featuresB);
  return frechetDistanceFromMoments(meanA, covA, meanB, covB);
}

}  // namespace genrep
