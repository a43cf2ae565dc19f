#pragma once
// Views read from an offline synthetic dataset (views/OfflineDataset.h), as the paper's
// loader made them: each epoch visits every anchor once in a shuffled order; view 0 of an
// anchor is the anchor image, views 1..V-1 are neighbours picked uniformly from its pool of
// K; every view then gets its own pixel view Tx. The dataset lives in memory as uint8.
// A batch is a pure function of (seed, step), like every source.
//
//   ShardViewSource source(loadOfflineDataset("runs/fm-1k"), pixel, 2, seed, device);
//   ViewBatch b = source.batch(step, 256);
#include <vector>

#include "genrep/views/OfflineDataset.h"
#include "genrep/views/PixelView.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

class ShardViewSource : public ViewSource {
 public:
  ShardViewSource(OfflineDataset dataset, PixelViewOptions pixel, int64_t viewsPerAnchor, uint64_t seed, torch::Device device);

  ViewBatch batch(int64_t step, int64_t anchors) override;
  std::string describe() const override;
  int64_t classes() const override { return dataset_.classCount; }
  int64_t latentDim() const override { return dataset_.latents.size(2); }
  int64_t viewsPerAnchor() const override { return viewsPerAnchor_; }
  int64_t channels() const override { return dataset_.images.size(2); }
  // The anchor at position p of the epoch-by-epoch shuffled order.
  int64_t anchorAt(int64_t position);

 private:
  OfflineDataset dataset_;
  PixelViewOptions pixel_;
  int64_t viewsPerAnchor_;
  uint64_t seed_;
  torch::Device device_;
  int64_t epoch_ = -1;  // the epoch whose order is cached
  std::vector<int64_t> order_;
};

}  // namespace genrep
