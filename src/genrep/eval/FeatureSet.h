#pragma once
// Frozen features of real images, extracted once and shared by every probe (docs/demo.md):
// the encoder in eval mode, features before the head, no gradients. The probes fit on
// `fit` (train minus validation), pick hyper-parameters on `val`, and report on `test`.
//
//   FeatureSet f = encoderFeatures(encoder, dataset, limits, device);
//   FeatureSet p = pixelFeatures(dataset, limits);     // the raw-pixel baseline
#include <cstdint>
#include <functional>
#include <string>

#include <torch/torch.h>

#include "genrep/data/RealDataset.h"
#include "genrep/learn/ResNetEncoder.h"

namespace genrep {

struct FeatureSet {
  torch::Tensor fit, fitLabels;    // [N, F] float CPU, [N] int64
  torch::Tensor val, valLabels;
  torch::Tensor test, testLabels;
  int64_t classes = 0;
  double extractSeconds = 0;
};

struct FeatureLimits {
  int64_t fitImages = 0;   // 0 = the whole split; otherwise a seeded random subset
  int64_t testImages = 0;  // 0 = the whole test split
  int64_t batch = 500;
  uint64_t seed = 0;
  // The side the encoder trained on (views.crop_size; 0 = the images' own): real images of
  // another size are resized (shorter side to inputSize / 0.875, bilinear, antialiased when
  // shrinking) and centre-cropped to it, as the paper's linear evaluation (Resize 128,
  // CenterCrop 112). Pixel features (the raw-pixel baseline) are never resized.
  int64_t inputSize = 0;
};

// images [N, C, H, W] -> [N, C, size, size] by FeatureLimits::inputSize's resize and centre crop
// (unchanged when already size x size).
torch::Tensor resizeAndCentreCrop(const torch::Tensor& images, int64_t size);
// What resizeAndCentreCrop does to h x w images, in words ("none" when nothing).
std::string inputTransform(int64_t height, int64_t width, int64_t size);

// `limit` images of `images` drawn without replacement by `seed`, in their order (all when limit
// <= 0 or >= their count).
ImageArray seededSubset(const ImageArray& images, int64_t limit, uint64_t seed);

// images [N, C, H, W] in [-1, 1] -> [N, F] on the CPU; the encoder is left in eval mode.
torch::Tensor encodeImages(ResNetEncoder& encoder, const torch::Tensor& images, int64_t batch, const torch::Device& device);

FeatureSet encoderFeatures(ResNetEncoder& encoder, const RealDataset& dataset, const FeatureLimits& limits,
                           const torch::Device& device);
// The features any model computes, on the same splits and subsets: `features` maps a chunk of at
// most limits.batch real images [n, C, H, W] in [-1, 1], resized and centre-cropped to
// limits.inputSize, to [n, F] (a user's PyTorch model: the Python package's genrep.evaluate).
FeatureSet modelFeatures(const RealDataset& dataset, const FeatureLimits& limits,
                         const std::function<torch::Tensor(const torch::Tensor&)>& features);
FeatureSet pixelFeatures(const RealDataset& dataset, const FeatureLimits& limits);

}  // namespace genrep
