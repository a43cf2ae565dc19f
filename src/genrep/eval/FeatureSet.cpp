#include "genrep/eval/FeatureSet.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>

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

FeatureSet encoderFeatures(ResNetEncoder& encoder, const RealDataset& dataset, const FeatureLimits& limits,
                           const torch::Device& device) {
  return extract(dataset, limits, [&](const torch::Tensor& images) { return encodeImages(encoder, images, limits.batch, device); });
}

FeatureSet pixelFeatures(const RealDataset& dataset, const FeatureLimits& limits) {
  return extract(dataset, limits, [](const torch::Tensor& images) { return images.flatten(1); });
}

}  // namespace genrep
