#pragma once
// The small real-data classifier behind the generator quality metrics: it labels
// generated images (class consistency), gives the feature space of the Fréchet
// distance, and is retrained on generated images for train-on-synthetic / test-on-real.
//   conv3x3(32) BN ReLU maxpool, conv3x3(64) BN ReLU maxpool, conv3x3(64) BN ReLU,
//   flatten -> linear(128) ReLU = features [B, 128] -> linear -> logits [B, classes]
// (A global-average-pooled variant reached only 79.8 % on Fashion-MNIST test in 3
// epochs, far below what a classifier judging a generator needs; docs/gan.md.)
//
//   QualityClassifier c = loadOrTrainQualityClassifier(dataset, options);   // cached
//   double acc = classifierAccuracy(c.net, images, labels);
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/data/RealDataset.h"

namespace genrep {

class QualityClassifierNetImpl : public torch::nn::Module {
 public:
  QualityClassifierNetImpl(int64_t channels, int64_t height, int64_t width, int64_t classes);
  torch::Tensor features(const torch::Tensor& x);  // x [B, C, H, W] in [-1, 1] -> [B, 128]
  torch::Tensor forward(const torch::Tensor& x);   // -> logits [B, classes]

 private:
  torch::nn::Sequential body{nullptr};  // -> [B, 128] features
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(QualityClassifierNet);

struct ClassifierTraining {
  int64_t epochs = 3;
  int64_t batch = 128;
  double lr = 1e-3;
  uint64_t seed = 0;
};

struct QualityClassifier {
  QualityClassifierNet net{nullptr};
  double valAccuracy = 0;
  double testAccuracy = 0;
  std::filesystem::path file;  // where it is cached
};

struct QualityOptions {
  std::filesystem::path cacheDir;  // empty: userCacheFolder() ($XDG_CACHE_HOME/genrep, core/InstallPaths.h)
  ClassifierTraining classifier;
  int64_t samples = 10000;      // generated images for consistency and the Fréchet distance
  int64_t tstrSamples = 50000;  // generated training images for TSTR
  double truncation = 1.0;
  // σ of the gaussian latent views whose change of class is measured (the grid of
  // `genrep experiment sigma`); empty: not measured.
  std::vector<double> neighbourSigmas{0.1, 0.25, 0.5, 1.0, 1.5, 2.0};
  uint64_t seed = 0;
};

// Trains with Adam on (images [N, C, H, W] in [-1, 1], labels [N] int64); shows progress.
QualityClassifierNet trainClassifier(const torch::Tensor& images, const torch::Tensor& labels, int64_t classes,
                                     const ClassifierTraining& training, const std::string& label);
// In eval mode, batched, no gradients.
torch::Tensor classifierLogits(QualityClassifierNet& net, const torch::Tensor& images);    // [N, classes]
torch::Tensor classifierFeatures(QualityClassifierNet& net, const torch::Tensor& images);  // [N, 128]
double classifierAccuracy(QualityClassifierNet& net, const torch::Tensor& images, const torch::Tensor& labels);

// Loads the classifier for this dataset and these settings from the cache, or trains it
// on the train split minus validation and caches it (atomically).
QualityClassifier loadOrTrainQualityClassifier(const RealDataset& dataset, const QualityOptions& options);

}  // namespace genrep
