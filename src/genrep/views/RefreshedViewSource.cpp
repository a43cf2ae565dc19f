#include "genrep/views/RefreshedViewSource.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"

namespace genrep {

void RefreshedViewSource::checkSettings(double refresh, int64_t window) {
  if (!(refresh >= 0 && refresh <= 1)) throw std::invalid_argument(fmt::format("views.refresh is {}; it must be in [0, 1]", refresh));
  if (window < 1) throw std::invalid_argument(fmt::format("views.window is {}; it must be >= 1 anchor", window));
}

RefreshedViewSource::RefreshedViewSource(std::unique_ptr<GeneratorViewSource> generated, double refresh, int64_t window)
    : generated_(std::move(generated)), refresh_(refresh), window_(window) {
  checkSettings(refresh, window);
  if (generated_->options().anchors != 0) {
    throw std::invalid_argument("views.refresh < 1 reuses a window of the stream: it needs views.anchors = 0");
  }
  slotAnchor_.assign(static_cast<size_t>(window), -1);
}

int64_t RefreshedViewSource::freshPerStep(int64_t anchors) const {
  return static_cast<int64_t>(std::llround(refresh_ * static_cast<double>(anchors)));
}

std::vector<uint64_t> RefreshedViewSource::anchorIndices(int64_t step, int64_t anchors) const {
  if (anchors > window_) {
    throw std::invalid_argument(
        fmt::format("views.window {} must hold at least the {} anchors of a batch (raise views.window)", window_, anchors));
  }
  const int64_t fresh = freshPerStep(anchors);
  const int64_t newest = window_ + step * fresh;  // the first fresh anchor of this step
  std::vector<uint64_t> indices;
  indices.reserve(static_cast<size_t>(anchors));
  for (int64_t i = 0; i < fresh; ++i) indices.push_back(static_cast<uint64_t>(newest + i));
  // The rest: distinct anchors of the W - F before them, by a partial Fisher-Yates shuffle.
  const int64_t older = window_ - fresh;
  std::vector<int64_t> order(static_cast<size_t>(older));
  std::iota(order.begin(), order.end(), newest - older);
  RandomStream draw(mix64(deriveSeed(generated_->options().seed, "views.refresh.draw") ^ static_cast<uint64_t>(step)));
  for (int64_t i = 0; i < anchors - fresh; ++i) {
    const auto j = i + static_cast<int64_t>(draw.uniformInt(static_cast<uint64_t>(older - i)));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
    indices.push_back(static_cast<uint64_t>(order[static_cast<size_t>(i)]));
  }
  return indices;
}

ViewBatch RefreshedViewSource::batch(int64_t step, int64_t anchors) {
  const std::vector<uint64_t> indices = anchorIndices(step, anchors);

  // Generate every anchor of the batch that is not in the window yet: the fresh ones and, at
  // the start or after a resume, the whole window at once (drawn lazily, it would cost a
  // stream's worth of generation for the first W / F steps).
  std::vector<uint64_t> missing;
  const auto absent = [&](uint64_t a) { return slotAnchor_[a % static_cast<uint64_t>(window_)] != static_cast<int64_t>(a); };
  const int64_t fresh = freshPerStep(anchors);
  const bool filled = std::none_of(indices.begin() + fresh, indices.end(), absent);
  if (filled) {
    std::copy_if(indices.begin(), indices.end(), std::back_inserter(missing), absent);
  } else {
    const auto first = static_cast<uint64_t>((step + 1) * fresh);  // this step's window: W anchors from here
    for (uint64_t a = first; a < first + static_cast<uint64_t>(window_); ++a) {
      if (absent(a)) missing.push_back(a);
    }
  }
  // No generator call larger than the stream's own (a batch of `anchors`): filling a window of
  // 128-px RGB images 1 024 anchors at a time needed more than 24 GB of activations.
  const size_t chunkSize = std::min(kFillChunk, static_cast<size_t>(anchors));
  double generateSeconds = 0;
  for (size_t begin = 0; begin < missing.size(); begin += chunkSize) {
    const std::vector<uint64_t> chunk(missing.begin() + static_cast<std::ptrdiff_t>(begin),
                                      missing.begin() + static_cast<std::ptrdiff_t>(std::min(missing.size(), begin + chunkSize)));
    generateSeconds += store(chunk);
  }
  return pick(indices, step, generateSeconds);
}

double RefreshedViewSource::store(const std::vector<uint64_t>& missing) {
  const int64_t v = generated_->viewsPerAnchor();
  const int64_t pool = generated_->options().pool;
  const auto m = static_cast<int64_t>(missing.size());
  // An anchor's neighbour picks depend on the anchor alone, so its images do too.
  std::vector<uint64_t> neighbours(static_cast<size_t>((v - 1) * m));
  for (int64_t a = 0; a < m; ++a) {
    RandomStream draw(mix64(deriveSeed(generated_->options().seed, "views.refresh.neighbours") ^ missing[static_cast<size_t>(a)]));
    for (int64_t view = 1; view < v; ++view) {
      neighbours[static_cast<size_t>((view - 1) * m + a)] = 1 + draw.uniformInt(static_cast<uint64_t>(pool));
    }
  }
  const GeneratedViews made = generated_->generate(missing, neighbours);
  const torch::Tensor images = made.images.view({v, m, made.images.size(1), made.images.size(2), made.images.size(3)});  // [V, M, C, H, W]
  const torch::Tensor latents = made.latents.view({v, m, -1});                                                       // [V, M, Z]
  const torch::Tensor classes = made.classes.view({v, m});                                                           // [V, M]
  if (!images_.defined()) {
    images_ = torch::zeros({window_, v, images.size(2), images.size(3), images.size(4)}, images.options());
    latents_ = torch::zeros({window_, v, latents.size(2)}, latents.options());
    classes_ = torch::full({window_, v}, -1, classes.options());
  }
  std::vector<int64_t> slots;
  for (uint64_t a : missing) slots.push_back(static_cast<int64_t>(a % static_cast<uint64_t>(window_)));
  const torch::Tensor slotIndex = torch::tensor(slots, torch::kInt64).to(images_.device());
  images_.index_copy_(0, slotIndex, images.transpose(0, 1));
  latents_.index_copy_(0, slotIndex, latents.transpose(0, 1));
  classes_.index_copy_(0, slotIndex, classes.transpose(0, 1));
  for (size_t i = 0; i < missing.size(); ++i) slotAnchor_[static_cast<size_t>(slots[i])] = static_cast<int64_t>(missing[i]);
  generatedAnchors_ += m;
  return made.generateSeconds;
}

ViewBatch RefreshedViewSource::pick(const std::vector<uint64_t>& indices, int64_t step, double generateSeconds) {
  const int64_t v = generated_->viewsPerAnchor();
  const auto anchors = static_cast<int64_t>(indices.size());
  std::vector<int64_t> slots;
  for (uint64_t a : indices) slots.push_back(static_cast<int64_t>(a % static_cast<uint64_t>(window_)));
  const torch::Tensor slotIndex = torch::tensor(slots, torch::kInt64).to(images_.device());
  GeneratedViews chosen;
  chosen.anchors = anchors;
  chosen.generateSeconds = generateSeconds;
  // [B, V, ...] -> view-major [V*B, ...]
  chosen.images = images_.index_select(0, slotIndex).transpose(0, 1).reshape({v * anchors, images_.size(2), images_.size(3), images_.size(4)});
  chosen.latents = latents_.index_select(0, slotIndex).transpose(0, 1).reshape({v * anchors, latents_.size(2)});
  chosen.classes = classes_.index_select(0, slotIndex).transpose(0, 1).reshape({v * anchors});
  const uint64_t drawKey = mix64(deriveSeed(generated_->options().seed, "views.draw") ^ static_cast<uint64_t>(step));
  return generated_->withPixelViews(std::move(chosen), drawKey);
}

std::string RefreshedViewSource::describe() const {
  return fmt::format("{}; refresh {} of each batch, window {} anchors", generated_->describe(), refresh_, window_);
}

}  // namespace genrep
