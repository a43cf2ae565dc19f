#include "genrep/gen/PrecisionRecall.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {
namespace {

constexpr int64_t kBlock = 1024;  // rows of a distance block: 1024 x 10 000 float64 = 80 MB

torch::Tensor asDouble(const torch::Tensor& x) { return x.to(torch::kFloat64).contiguous(); }

// Whether each query lies inside the ball of some point (|q - p| <= radius_p). [Q] bool
torch::Tensor insideAnyBall(const torch::Tensor& queries, const torch::Tensor& points, const torch::Tensor& radii) {
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < queries.size(0); start += kBlock) {
    const torch::Tensor q = queries.slice(0, start, std::min(start + kBlock, queries.size(0)));
    parts.push_back(torch::cdist(q, points).le(radii.unsqueeze(0)).any(1));
  }
  return torch::cat(parts);
}

void check(const torch::Tensor& set, const char* name, int64_t k) {
  if (set.dim() != 2) throw std::invalid_argument(fmt::format("precision/recall: {} features must be [N, D], got {} dims", name, set.dim()));
  if (set.size(0) <= k) {
    throw std::invalid_argument(fmt::format("precision/recall: {} set has {} points, needs more than k = {}", name, set.size(0), k));
  }
}

}  // namespace

torch::Tensor kNearestRadii(const torch::Tensor& points, int64_t k) {
  if (k < 1) throw std::invalid_argument(fmt::format("precision/recall: k is {}, needs >= 1", k));
  check(points, "the", k);
  const torch::Tensor x = asDouble(points);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < x.size(0); start += kBlock) {
    const torch::Tensor d = torch::cdist(x.slice(0, start, std::min(start + kBlock, x.size(0))), x);
    // The k+1 smallest include the point itself at distance 0.
    parts.push_back(std::get<0>(d.topk(k + 1, 1, /*largest=*/false, /*sorted=*/true)).select(1, k));
  }
  return torch::cat(parts);
}

PrecisionRecall precisionRecall(const torch::Tensor& real, const torch::Tensor& generated, int64_t k) {
  check(real, "real", k);
  check(generated, "generated", k);
  if (real.size(1) != generated.size(1)) {
    throw std::invalid_argument(
        fmt::format("precision/recall: real features have {} dims, generated {}", real.size(1), generated.size(1)));
  }
  torch::NoGradGuard noGrad;
  const torch::Tensor r = asDouble(real), g = asDouble(generated);
  PrecisionRecall out;
  out.precision = insideAnyBall(g, r, kNearestRadii(r, k)).to(torch::kFloat64).mean().item<double>();
  out.recall = insideAnyBall(r, g, kNearestRadii(g, k)).to(torch::kFloat64).mean().item<double>();
  return out;
}

}  // namespace genrep
