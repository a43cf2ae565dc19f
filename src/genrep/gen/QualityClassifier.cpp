#include "genrep/gen/QualityClassifier.h"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/InstallPaths.h"
#include "genrep/core/Progress.h"
#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"

namespace genrep {
namespace {

namespace nn = torch::nn;

void appendConvBlock(nn::Sequential& body, int64_t in, int64_t out, bool pool) {
  body->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)));
  body->push_back(nn::BatchNorm2d(out));
  body->push_back(nn::ReLU());
  if (pool) body->push_back(nn::MaxPool2d(2));
}

// Small enough that activations stay under the allocator's 32 MiB mmap threshold
// (configureAllocator): batches of 1000 made every activation a fresh mmap, and a probe
// of 10 000 images took 32 s instead of a few.
constexpr int64_t kEvalBatch = 100;
constexpr int kCacheVersion = 2;  // bump when the classifier changes

}  // namespace

QualityClassifierNetImpl::QualityClassifierNetImpl(int64_t channels, int64_t height, int64_t width, int64_t classes) {
  nn::Sequential layers;
  appendConvBlock(layers, channels, 32, true);
  appendConvBlock(layers, 32, 64, true);
  appendConvBlock(layers, 64, 64, false);
  layers->push_back(nn::Flatten());
  layers->push_back(nn::Linear(64 * (height / 4) * (width / 4), 128));
  layers->push_back(nn::ReLU());
  body = register_module("body", layers);
  head = register_module("head", nn::Linear(128, classes));
}

torch::Tensor QualityClassifierNetImpl::features(const torch::Tensor& x) { return body->forward(x); }
torch::Tensor QualityClassifierNetImpl::forward(const torch::Tensor& x) { return head(features(x)); }

QualityClassifierNet trainClassifier(const torch::Tensor& images, const torch::Tensor& labels, int64_t classes,
                                     const ClassifierTraining& training, const std::string& label) {
  torch::manual_seed(training.seed);
  QualityClassifierNet net(images.size(1), images.size(2), images.size(3), classes);
  net->train();
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(training.lr));
  const int64_t n = images.size(0);
  const int64_t batchesPerEpoch = (n + training.batch - 1) / training.batch;
  RandomStream order(deriveSeed(training.seed, "quality.classifier.order"));
  std::vector<int64_t> indices(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) indices[static_cast<size_t>(i)] = i;
  Progress progress(label, training.epochs * batchesPerEpoch, "batch");
  for (int64_t epoch = 0; epoch < training.epochs; ++epoch) {
    order.shuffle(indices);
    const torch::Tensor permutation = torch::tensor(indices, torch::kInt64);
    for (int64_t start = 0; start < n; start += training.batch) {
      const torch::Tensor batch = permutation.slice(0, start, std::min(n, start + training.batch));
      const torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(images.index_select(0, batch)),
                                                                      labels.index_select(0, batch));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      progress.advance();
    }
  }
  progress.finish();
  net->eval();
  return net;
}

namespace {

// `forward` over `images` in eval mode without gradients, kEvalBatch at a time.
template <typename Forward>
torch::Tensor inBatches(QualityClassifierNet& net, const torch::Tensor& images, Forward&& forward) {
  torch::NoGradGuard noGrad;
  net->eval();
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < images.size(0); start += kEvalBatch) {
    parts.push_back(forward(images.slice(0, start, start + kEvalBatch)));
  }
  return torch::cat(parts);
}

}  // namespace

torch::Tensor classifierLogits(QualityClassifierNet& net, const torch::Tensor& images) {
  return inBatches(net, images, [&](const torch::Tensor& batch) { return net->forward(batch); });
}

torch::Tensor classifierFeatures(QualityClassifierNet& net, const torch::Tensor& images) {
  return inBatches(net, images, [&](const torch::Tensor& batch) { return net->features(batch); });
}

double classifierAccuracy(QualityClassifierNet& net, const torch::Tensor& images, const torch::Tensor& labels) {
  return classifierLogits(net, images).argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
}

QualityClassifier loadOrTrainQualityClassifier(const RealDataset& dataset, const QualityOptions& options) {
  if (dataset.classNames.empty()) {
    throw std::invalid_argument("quality classifier: the dataset is unlabelled; generator quality needs class labels");
  }
  const auto classes = static_cast<int64_t>(dataset.classNames.size());
  // The cache key covers everything that changes the classifier.
  const std::string key = fmt::format("v{} {} {} n{} {}x{}x{} val{} split{} e{} b{} lr{} seed{}", kCacheVersion, dataset.format,
                                      dataset.source, dataset.train.count, dataset.train.channels, dataset.train.height,
                                      dataset.train.width, dataset.valFraction, dataset.splitSeed, options.classifier.epochs,
                                      options.classifier.batch, options.classifier.lr, options.classifier.seed);
  const std::filesystem::path cacheDir = options.cacheDir.empty() ? userCacheFolder() : options.cacheDir;
  const std::filesystem::path base =
      cacheDir / fmt::format("quality-classifier-{}-{:016x}", dataset.format, deriveSeed(0, key));
  QualityClassifier result;
  result.file = base.string() + ".pt";
  const std::filesystem::path infoFile = base.string() + ".json";
  result.net = QualityClassifierNet(dataset.train.channels, dataset.train.height, dataset.train.width, classes);
  std::error_code ec;
  if (std::filesystem::exists(result.file, ec) && std::filesystem::exists(infoFile, ec)) {
    try {
      const nlohmann::json info = nlohmann::json::parse(readFileText(infoFile));
      std::istringstream in(readFileText(result.file));
      torch::load(result.net, in);
      result.net->eval();
      result.valAccuracy = info.at("val_accuracy").get<double>();
      result.testAccuracy = info.at("test_accuracy").get<double>();
      return result;
    } catch (const std::exception& error) {
      fmt::print(stderr, "genrep: warning: cached quality classifier {} is unreadable ({}); training it again\n",
                 result.file.string(), error.what());
    }
  }
  const ImageArray fit = dataset.train.select(dataset.split.kept);
  result.net = trainClassifier(imagesToTensor(fit), labelsToTensor(fit), classes, options.classifier,
                               "quality classifier (real train)");
  if (!dataset.split.held.empty()) {
    const ImageArray val = dataset.train.select(dataset.split.held);
    result.valAccuracy = classifierAccuracy(result.net, imagesToTensor(val), labelsToTensor(val));
  }
  result.testAccuracy = classifierAccuracy(result.net, imagesToTensor(dataset.test), labelsToTensor(dataset.test));
  std::filesystem::create_directories(cacheDir, ec);
  std::ostringstream weights;
  torch::save(result.net, weights);
  writeFileAtomic(result.file, weights.str());
  writeFileAtomic(infoFile, nlohmann::json{{"key", key},
                                           {"val_accuracy", result.valAccuracy},
                                           {"test_accuracy", result.testAccuracy},
                                           {"train_images", fit.count}}
                                    .dump(2));
  return result;
}

}  // namespace genrep
