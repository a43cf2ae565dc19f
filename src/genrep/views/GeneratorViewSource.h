#pragma once
// Views streamed from a generator (README, "Learning encoders from a generator"): anchor i has latent z_i (and class y_i),
// view 0 of an anchor is G(z_i), views 1..V-1 are G(z') for neighbours picked uniformly from
// its pool of N (views.pool); every view then gets its own pixel view Tx. With
// views.anchors = 0 every step draws fresh anchors (a continuous stream); with A > 0 a step
// picks its anchors from the fixed set 0..A-1 (a fixed dataset that is never stored).
// All images of a step come from one batched generator call. A fixed set's images are functions
// of (anchor, neighbour) only, so when all of them fit in views.cache_mb each is generated once
// and kept: later steps generate only the images they meet for the first time.
//
//   GeneratorViewSource source(generator, options, device);
//   ViewBatch b = source.batch(step, 256);
#include <memory>
#include <unordered_map>
#include <vector>

#include "genrep/gen/Generator.h"
#include "genrep/runtime/Autocast.h"
#include "genrep/views/LatentView.h"
#include "genrep/views/PixelView.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

struct GeneratorViewOptions {
  LatentViewOptions latent;
  PixelViewOptions pixel;
  int64_t viewsPerAnchor = 2;  // V >= 2
  int64_t pool = 1;            // N neighbours per anchor
  int64_t anchors = 0;         // 0 = continuous stream, A = fixed set of A anchors
  uint64_t seed = 0;
  // Speed switches, applied where this CPU allows (runtime/ChannelsLast.h, runtime/Autocast.h).
  Precision generatorPrecision = Precision::Float32;  // bf16: the generator's forward under autocast
  bool generatorChannelsLast = false;                 // the generator's weights in channels_last
  // A fixed set's images kept once generated when A x (1 + pool) of them fit in this many MiB
  // (0 = generate every time). The same images up to float rounding: a batch of other size
  // may sum in another order.
  int64_t cacheMegabytes = 1024;

  // Throws std::invalid_argument naming the views.* key of an impossible value, its latent and
  // pixel views' included.
  void validate() const;
};

// Generated images of some anchors before their pixel views, view-major like a ViewBatch.
struct GeneratedViews {
  int64_t anchors = 0;     // B
  torch::Tensor images;    // [V*B, C, H, W] float in [-1, 1]
  torch::Tensor latents;   // [V*B, Z]
  torch::Tensor classes;   // [V*B] int64, -1 unconditional
  double generateSeconds = 0;
};

class GeneratorViewSource : public ViewSource {
 public:
  GeneratorViewSource(std::shared_ptr<Generator> generator, GeneratorViewOptions options, torch::Device device);

  ViewBatch batch(int64_t step, int64_t anchors) override;
  // The anchors of a step: step * anchors + b in a stream, uniform picks from a fixed set.
  std::vector<uint64_t> anchorIndices(int64_t step, int64_t anchors) const;
  // The views of the given anchors; `drawKey` seeds the neighbour picks and pixel views.
  ViewBatch views(const std::vector<uint64_t>& indices, uint64_t drawKey);
  // The parts of views(): the images of the given anchors in one generator call, view v >= 1
  // of anchor a from its neighbour neighbours[(v - 1) * B + a] (1..views.pool; ignored with
  // latent view none), then the pixel views seeded by `drawKey`.
  GeneratedViews generate(const std::vector<uint64_t>& indices, const std::vector<uint64_t>& neighbours);
  ViewBatch withPixelViews(GeneratedViews generated, uint64_t drawKey) const;
  const GeneratorViewOptions& options() const { return options_; }
  // Whether the fixed set's images are kept (views.cache_mb), and how many are kept so far.
  bool caching() const { return caching_; }
  size_t cachedImages() const { return cache_.size(); }
  std::string describe() const override;
  int64_t viewsPerAnchor() const override { return options_.viewsPerAnchor; }
  int64_t channels() const override { return generator_->info().channels; }
  int64_t classes() const override { return generator_->info().classes; }
  int64_t latentDim() const override { return generator_->info().latentDim; }

 private:
  std::shared_ptr<Generator> generator_;
  GeneratorViewOptions options_;
  LatentSampler latents_;
  torch::Device device_;
  static constexpr uint64_t kCacheChunk = 64;  // anchors per generator call that fills the cache
  torch::Tensor sample(const torch::Tensor& latents, const torch::Tensor& classes);
  void cacheChunkOf(uint64_t key);

  bool caching_ = false;
  std::unordered_map<uint64_t, torch::Tensor> cache_;  // anchor * (pool + 1) + neighbour -> image [C, H, W]
};

}  // namespace genrep
