#pragma once
// Frozen features of real images, extracted once and shared by every probe (docs/demo.md):
// the encoder in eval mode, features before the head, no gradients. The probes fit on
// `fit` (train minus validation), pick hyper-parameters on `val`, and report on `test`.
//
//   FeatureSet f = encoderFeatures(encoder, dataset, limits, device);
//   FeatureSet p = pixelFeatures(dataset, limits);     // the raw-pixel baseline
#include <cstdint>

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
};

// `limit` images of `images` drawn without replacement by `seed`, in their order (all when limit
// <= 0 or >= their count).
ImageArray seededSubset(const ImageArray& images, int64_t limit, uint64_t seed);

// images [N, C, H, W] in [-1, 1] -> [N, F] on the CPU; the encoder is left in eval mode.
torch::Tensor encodeImages(ResNetEncoder& encoder, const torch::Tensor& images, int64_t batch, const torch::Device& device);

FeatureSet encoderFeatures(ResNetEncoder& encoder, const RealDataset& dataset, const FeatureLimits& limits,
                           const torch::Device& device);
FeatureSet pixelFeatures(const RealDataset& dataset, const FeatureLimits& limits);

}  // namespace genrep
