#pragma once
// The real-data baseline of the paper's tables: V pixel views of one real image per anchor (the usual
// SimCLR). Images come from the training split minus its validation part; the test split
// is never seen. Classes carry the real labels (SupCon on real images is then supervised).
//
//   RealViewSource source(dataset.train.select(dataset.split.kept), pixel, 2, seed, device);
#include <vector>

#include "genrep/data/ImageArray.h"
#include "genrep/views/PixelView.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

class RealViewSource : public ViewSource {
 public:
  RealViewSource(const ImageArray& images, int64_t classes, PixelViewOptions pixel, int64_t viewsPerAnchor,
                 uint64_t seed, torch::Device device);

  ViewBatch batch(int64_t step, int64_t anchors) override;
  // The views of the given image indices; `drawKey` seeds the pixel views.
  ViewBatch views(const std::vector<int64_t>& imageIndices, uint64_t drawKey);
  std::string describe() const override;
  int64_t viewsPerAnchor() const override { return viewsPerAnchor_; }
  int64_t channels() const override { return images_.size(1); }
  int64_t classes() const override { return classes_; }
  int64_t latentDim() const override { return 0; }
  int64_t size() const { return images_.size(0); }

 private:
  torch::Tensor images_;  // [N, C, H, W] in [-1, 1] on the device
  torch::Tensor labels_;  // [N] int64 (-1 when unlabelled)
  int64_t classes_;
  PixelViewOptions pixel_;
  int64_t viewsPerAnchor_;
  uint64_t seed_;
  torch::Device device_;
};

}  // namespace genrep
