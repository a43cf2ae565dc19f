#pragma once
// Generated views spent more than once: a window of the W most recent anchors of the
// generator stream stays in memory as generated images, and each step generates only a share
// `refresh` of its batch afresh; the other anchors of the batch are drawn (without
// replacement) from the window and get new pixel views. refresh 1 is the stream (every anchor
// seen once); refresh 0 is a fixed dataset of W anchors, as the paper trained on; in between,
// the generator's cost per step falls with the refresh rate.
//
// Anchor a of the stream is generated with its own neighbour picks, so its images depend on a
// alone: step s makes anchors W + s*F .. W + s*F + F - 1 (F = round(refresh * B)) and draws
// the rest from W + s*F - (W - F) .. W + s*F - 1. A batch is a pure function of (seed, step)
// as for every source; the window is a cache, filled whole by the first batch (and again by
// the first batch after a resume).
//
//   RefreshedViewSource source(std::make_unique<GeneratorViewSource>(g, options, device), 0.25, 4096);
//   ViewBatch b = source.batch(step, 256);   // 64 new anchors, 192 from the window
#include <cstdint>
#include <memory>
#include <vector>

#include "genrep/views/GeneratorViewSource.h"

namespace genrep {

class RefreshedViewSource : public ViewSource {
 public:
  // Throws std::invalid_argument unless 0 <= refresh <= 1 and window >= 1 (checkSettings).
  RefreshedViewSource(std::unique_ptr<GeneratorViewSource> generated, double refresh, int64_t window);
  static void checkSettings(double refresh, int64_t window);

  // Throws std::invalid_argument when the window holds fewer than `anchors` anchors.
  ViewBatch batch(int64_t step, int64_t anchors) override;
  // The stream indices of the anchors of a step: the fresh ones first.
  std::vector<uint64_t> anchorIndices(int64_t step, int64_t anchors) const;
  std::string describe() const override;
  int64_t classes() const override { return generated_->classes(); }
  int64_t latentDim() const override { return generated_->latentDim(); }
  int64_t viewsPerAnchor() const override { return generated_->viewsPerAnchor(); }
  int64_t channels() const override { return generated_->channels(); }
  int64_t freshPerStep(int64_t anchors) const;
  int64_t generatedAnchors() const { return generatedAnchors_; }  // by this object, for tests and reports

 private:
  static constexpr size_t kFillChunk = 1024;  // most anchors per generator call when filling the window (and <= a batch)
  // Generates the anchors and stores them in their slots; returns the seconds in the generator.
  double store(const std::vector<uint64_t>& missing);
  // The batch of the given anchors (all in the window) with this step's pixel views.
  ViewBatch pick(const std::vector<uint64_t>& indices, int64_t step, double generateSeconds);

  std::unique_ptr<GeneratorViewSource> generated_;
  double refresh_;
  int64_t window_;
  // Slot a % W holds anchor a's images [V, C, H, W], latents [V, Z] and classes [V].
  std::vector<int64_t> slotAnchor_;  // -1: empty
  torch::Tensor images_, latents_, classes_;
  int64_t generatedAnchors_ = 0;
};

}  // namespace genrep
