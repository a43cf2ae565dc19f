#include "genrep/eval/FeatureSet.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"

namespace genrep {
namespace {

struct Splits {
  ImageArray fit, val, test;
};

Splits splitsOf(const RealDataset& dataset, const FeatureLimits& limits) {
  if (dataset.classNames.empty()) throw std::invalid_argument("evaluation needs a labelled dataset (its classes are the probe's targets)");
  if (dataset.split.held.empty()) {
    throw std::invalid_argument("evaluation needs a validation split to pick hyper-parameters; set data.val_fraction > 0");
  }
  return {seededSubset(dataset.train.select(dataset.split.kept), limits.fitImages, deriveSeed(limits.seed, "eval.fit_subset")),
          dataset.train.select(dataset.split.held),
          seededSubset(dataset.test, limits.testImages, deriveSeed(limits.seed, "eval.test_subset"))};
}

FeatureSet extract(const RealDataset& dataset, const FeatureLimits& limits,
                   const std::function<torch::Tensor(const torch::Tensor&)>& features) {
  const auto start = std::chrono::steady_clock::now();
  const Splits splits = splitsOf(dataset, limits);
  FeatureSet set;
  set.classes = static_cast<int64_t>(dataset.classNames.size());
  set.fit = features(imagesToTensor(splits.fit));
  set.fitLabels = labelsToTensor(splits.fit);
  set.val = features(imagesToTensor(splits.val));
  set.valLabels = labelsToTensor(splits.val);
  set.test = features(imagesToTensor(splits.test));
  set.testLabels = labelsToTensor(splits.test);
  set.extractSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return set;
}

}  // namespace

ImageArray seededSubset(const ImageArray& images, int64_t limit, uint64_t seed) {
  if (limit <= 0 || limit >= images.count) return images;
  std::vector<int64_t> order(static_cast<size_t>(images.count));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  RandomStream rng(seed);
  rng.shuffle(order);
  order.resize(static_cast<size_t>(limit));
  std::sort(order.begin(), order.end());
  return images.select(order);
}

torch::Tensor encodeImages(ResNetEncoder& encoder, const torch::Tensor& images, int64_t batch, const torch::Device& device) {
  torch::NoGradGuard noGrad;
  encoder->eval();
  encoder->to(device);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < images.size(0); start += batch) {
    const int64_t end = std::min(images.size(0), start + batch);
    parts.push_back(encoder->forward(images.slice(0, start, end).to(device)).to(torch::kCPU));
  }
  return torch::cat(parts);
}

torch::Tensor resizeAndCentreCrop(const torch::Tensor& images, int64_t size) {
  const int64_t h = images.size(2), w = images.size(3);
  if (size <= 0 || (h == size && w == size)) return images;
  const auto shorter = static_cast<int64_t>(std::lround(static_cast<double>(size) / 0.875));
  // torchvision's Resize(int): the shorter side to `shorter`, the other in proportion (truncated).
  const int64_t newH = h <= w ? shorter : shorter * h / w, newW = h <= w ? shorter * w / h : shorter;
  const bool shrinking = newH < h || newW < w;
  const torch::Tensor resized = torch::nn::functional::interpolate(
      images, torch::nn::functional::InterpolateFuncOptions()
                  .size(std::vector<int64_t>{newH, newW})
                  .mode(torch::kBilinear)
                  .align_corners(false)
                  .antialias(shrinking));
  // torchvision's CenterCrop: offsets rounded from the halved margins.
  const auto top = static_cast<int64_t>(std::lround(static_cast<double>(newH - size) / 2.0));
  const auto left = static_cast<int64_t>(std::lround(static_cast<double>(newW - size) / 2.0));
  return resized.slice(2, top, top + size).slice(3, left, left + size).contiguous();
}

std::string inputTransform(int64_t height, int64_t width, int64_t size) {
  if (size <= 0 || (height == size && width == size)) return "none";
  return fmt::format("resize {}x{} to shorter side {}, centre crop {}", height, width, std::lround(static_cast<double>(size) / 0.875), size);
}

FeatureSet encoderFeatures(ResNetEncoder& encoder, const RealDataset& dataset, const FeatureLimits& limits,
                           const torch::Device& device) {
  return extract(dataset, limits, [&](const torch::Tensor& images) {
    return encodeImages(encoder, resizeAndCentreCrop(images, limits.inputSize), limits.batch, device);
  });
}

FeatureSet modelFeatures(const RealDataset& dataset, const FeatureLimits& limits,
                         const std::function<torch::Tensor(const torch::Tensor&)>& features) {
  return extract(dataset, limits, [&](const torch::Tensor& images) {
    const torch::Tensor input = resizeAndCentreCrop(images, limits.inputSize);
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < input.size(0); start += limits.batch) {
      const torch::Tensor part = features(input.slice(0, start, std::min(input.size(0), start + limits.batch)));
      if (part.dim() != 2 || part.size(0) != std::min(limits.batch, input.size(0) - start)) {
        throw std::invalid_argument(fmt::format("evaluate: the model returned features of shape {} for {} images; it must return [N, F]",
                                                c10::str(part.sizes()), std::min(limits.batch, input.size(0) - start)));
      }
      parts.push_back(part.detach().to(torch::kCPU, torch::kFloat32));
    }
    return torch::cat(parts);
  });
}

FeatureSet pixelFeatures(const RealDataset& dataset, const FeatureLimits& limits) {
  return extract(dataset, limits, [](const torch::Tensor& images) { return images.flatten(1); });
}

}  // namespace genrep
