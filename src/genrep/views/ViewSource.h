#pragma once
// Where training views come from. The trainer asks a ViewSource for the views of a step
// and never learns whether they were generated, read from real images, or mixed.
// A batch is a pure function of (seed, step), so a resumed run sees the views it would
// have seen, and nothing is stored on disk.
//
//   std::unique_ptr<ViewSource> source = makeViewSource(config, generator, dataset, device);
//   ViewBatch batch = source->batch(step, 256);   // 256 anchors x V views
#include <cstdint>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace genrep {

struct ViewBatch {
  int64_t anchors = 0;         // B
  int64_t viewsPerAnchor = 0;  // V
  torch::Tensor views;         // [V*B, C, H, W] float in [-1, 1], view-major: view v of anchor b at v*B + b
  torch::Tensor anchorIds;     // [V*B] int64, the anchor b: the positive id of SimCLR
  torch::Tensor classes;       // [V*B] int64, the generator's class (real label for real images), -1 unknown
  torch::Tensor latents;       // [V*B, Z] float, the z each view was generated from (zeros for real rows)
  torch::Tensor synthetic;     // [V*B] bool, generated (true) or real (false)
  double generateSeconds = 0;  // time in the generator
  double augmentSeconds = 0;   // time in the pixel views
};

class ViewSource {
 public:
  virtual ~ViewSource() = default;
  virtual ViewBatch batch(int64_t step, int64_t anchors) = 0;
  virtual std::string describe() const = 0;
  virtual int64_t classes() const = 0;    // classes of the labels in `classes` (0 = none)
  virtual int64_t latentDim() const = 0;  // 0 when no view carries a latent
  virtual int64_t viewsPerAnchor() const = 0;
  virtual int64_t channels() const = 0;  // of the views
};

// Every source's check of `views.count` (V): a positive pair needs two views of an anchor.
inline void requirePositivePair(int64_t viewsPerAnchor) {
  if (viewsPerAnchor < 2) throw std::invalid_argument("views.count must be >= 2 (a positive needs two views)");
}

}  // namespace genrep
