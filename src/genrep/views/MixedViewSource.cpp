#include "genrep/views/MixedViewSource.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"

namespace genrep {
namespace {

// [V*B, ...] -> [V, B, ...] so two batches join anchor-wise and stay view-major.
torch::Tensor byView(const torch::Tensor& t, int64_t v) {
  std::vector<int64_t> shape = {v, t.size(0) / v};
  for (int64_t d = 1; d < t.dim(); ++d) shape.push_back(t.size(d));
  return t.reshape(shape);
}

torch::Tensor joinByView(const torch::Tensor& a, const torch::Tensor& b, int64_t v) {
  torch::Tensor joined = torch::cat({byView(a, v), byView(b, v)}, 1);
  std::vector<int64_t> shape = {-1};
  for (int64_t d = 2; d < joined.dim(); ++d) shape.push_back(joined.size(d));
  return joined.reshape(shape);
}

}  // namespace

ViewBatch concatAnchors(const ViewBatch& first, const ViewBatch& second) {
  if (first.anchors == 0) return second;
  if (second.anchors == 0) return first;
  if (first.viewsPerAnchor != second.viewsPerAnchor) throw std::invalid_argument("concatAnchors: different views per anchor");
  const int64_t v = first.viewsPerAnchor;
  ViewBatch out;
  out.anchors = first.anchors + second.anchors;
  out.viewsPerAnchor = v;
  out.views = joinByView(first.views, second.views, v);
  out.anchorIds = joinByView(first.anchorIds, second.anchorIds + first.anchors, v);
  out.classes = joinByView(first.classes, second.classes, v);
  const auto latentsOf = [](const ViewBatch& batch, const ViewBatch& other) {
    return batch.latents.defined() ? batch.latents : torch::zeros({batch.views.size(0), other.latents.size(1)}, other.latents.options());
  };
  if (first.latents.defined() || second.latents.defined()) {
    out.latents = joinByView(latentsOf(first, second), latentsOf(second, first), v);
  }
  out.synthetic = joinByView(first.synthetic, second.synthetic, v);
  out.generateSeconds = first.generateSeconds + second.generateSeconds;
  out.augmentSeconds = first.augmentSeconds + second.augmentSeconds;
  return out;
}

MixedViewSource::MixedViewSource(std::unique_ptr<GeneratorViewSource> generated, std::unique_ptr<RealViewSource> real,
                                 double share, uint64_t seed)
    : generated_(std::move(generated)), real_(std::move(real)), share_(share), seed_(deriveSeed(seed, "views.mix")) {
  checkShare(share);
}

void MixedViewSource::checkShare(double share) {
  if (!(share >= 0 && share <= 1)) throw std::invalid_argument("source.share must be in [0, 1] (the synthetic share)");
}

ViewBatch MixedViewSource::batch(int64_t step, int64_t anchors) {
  const uint64_t drawKey = mix64(seed_ ^ static_cast<uint64_t>(step));
  RandomStream coin(drawKey);
  const std::vector<uint64_t> candidates = generated_->anchorIndices(step, anchors);
  std::vector<uint64_t> synthetic;
  std::vector<int64_t> real;
  for (int64_t b = 0; b < anchors; ++b) {
    if (coin.uniform01() < share_) {
      synthetic.push_back(candidates[static_cast<size_t>(b)]);
    } else {
      real.push_back(static_cast<int64_t>(coin.uniformInt(static_cast<uint64_t>(real_->size()))));
    }
  }
  ViewBatch a, b;
  if (!synthetic.empty()) a = generated_->views(synthetic, mix64(drawKey ^ 1));
  if (!real.empty()) b = real_->views(real, mix64(drawKey ^ 2));
  return concatAnchors(a, b);
}

std::string MixedViewSource::describe() const {
  return fmt::format("mix: {:.0f} % synthetic [{}] + real [{}]", 100 * share_, generated_->describe(), real_->describe());
}

}  // namespace genrep
