#include "genrep/views/RealViewSource.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/core/Stopwatch.h"
#include "genrep/data/ImageTensor.h"

namespace genrep {

RealViewSource::RealViewSource(const ImageArray& images, int64_t classes, PixelViewOptions pixel, int64_t viewsPerAnchor,
                               uint64_t seed, torch::Device device)
    : classes_(classes), pixel_(pixel), viewsPerAnchor_(viewsPerAnchor), seed_(deriveSeed(seed, "views.real")), device_(device) {
  if (images.count == 0) throw std::invalid_argument("real views: the dataset's training split is empty");
  requirePositivePair(viewsPerAnchor);
  pixel.validate();
  images_ = imagesToTensor(images).to(device);
  labels_ = images.labels.empty() ? torch::full({images_.size(0)}, -1, torch::kInt64) : labelsToTensor(images);
  labels_ = labels_.to(device);
}

ViewBatch RealViewSource::batch(int64_t step, int64_t anchors) {
  const uint64_t drawKey = mix64(seed_ ^ static_cast<uint64_t>(step));
  RandomStream pick(drawKey);
  std::vector<int64_t> indices(static_cast<size_t>(anchors));
  for (auto& index : indices) index = static_cast<int64_t>(pick.uniformInt(static_cast<uint64_t>(size())));
  return views(indices, drawKey);
}

ViewBatch RealViewSource::views(const std::vector<int64_t>& imageIndices, uint64_t drawKey) {
  const auto b = static_cast<int64_t>(imageIndices.size());
  const int64_t v = viewsPerAnchor_;
  const torch::Tensor index = torch::tensor(imageIndices, torch::kInt64).to(device_);
  ViewBatch batch;
  batch.anchors = b;
  batch.viewsPerAnchor = v;
  const auto start = SteadyClock::now();
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(mix64(drawKey ^ 0x5bd1e995ULL));
  batch.views = pixelView(images_.index_select(0, index).repeat({v, 1, 1, 1}), pixel_, rng);
  batch.augmentSeconds = secondsSince(start);
  batch.anchorIds = torch::arange(b, torch::kInt64).repeat({v}).to(device_);
  batch.classes = labels_.index_select(0, index).repeat({v});
  batch.latents = torch::Tensor();
  batch.synthetic = torch::zeros({v * b}, torch::TensorOptions().dtype(torch::kBool).device(device_));
  return batch;
}

std::string RealViewSource::describe() const {
  return fmt::format("real images ({} training images), {} views per image, pixel views {}", size(), viewsPerAnchor_,
                     pixel_.enabled ? "on" : "off");
}

}  // namespace genrep
