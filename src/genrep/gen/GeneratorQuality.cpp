#include "genrep/gen/GeneratorQuality.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/core/Stopwatch.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/FrechetDistance.h"
#include "genrep/gen/Latents.h"

namespace genrep {
namespace {

constexpr int64_t kGenerateBatch = 100;  // activations under the 32 MiB mmap threshold

torch::Generator makeRng(uint64_t seed, const char* stream) {
  return at::make_generator<at::CPUGeneratorImpl>(deriveSeed(seed, stream));
}

}  // namespace

torch::Tensor generateImages(Generator& generator, int64_t count, double truncation, torch::Generator& rng,
                             torch::Tensor& labels) {
  torch::NoGradGuard noGrad;
  const GeneratorInfo& info = generator.info();
  labels = info.classes > 0 ? torch::arange(count, torch::kInt64).remainder(info.classes) : torch::Tensor();
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < count; start += kGenerateBatch) {
    const int64_t n = std::min(kGenerateBatch, count - start);
    const torch::Tensor z = sampleLatents(n, info.latentDim, truncation, rng);
    const torch::Tensor y = labels.defined() ? labels.slice(0, start, start + n) : torch::Tensor();
    parts.push_back(normaliseGenerated(generator.sample(z, y), info));
  }
  return torch::cat(parts);
}

double classConsistency(Generator& generator, QualityClassifierNet& classifier, int64_t samples, double truncation,
                        uint64_t seed) {
  if (generator.info().classes <= 0) throw std::invalid_argument("class consistency needs a class-conditional generator");
  torch::Generator rng = makeRng(seed, "quality.consistency");
  torch::Tensor labels;
  const torch::Tensor images = generateImages(generator, samples, truncation, rng, labels);
  return classifierAccuracy(classifier, images, labels);
}

nlohmann::json measureGeneratorQuality(Generator& generator, const RealDataset& dataset, QualityClassifier& classifier,
                                       const QualityOptions& options) {
  const GeneratorInfo& info = generator.info();
  if (info.channels != dataset.test.channels || info.height != dataset.test.height || info.width != dataset.test.width) {
    throw std::invalid_argument(fmt::format("generator makes {}x{}x{} images but the real dataset holds {}x{}x{}", info.channels,
                                            info.height, info.width, dataset.test.channels, dataset.test.height,
                                            dataset.test.width));
  }
  const auto classes = static_cast<int64_t>(dataset.classNames.size());
  if (info.classes > 0 && info.classes != classes) {
    throw std::invalid_argument(
        fmt::format("generator has {} classes but the real dataset {}; they must match", info.classes, classes));
  }
  nlohmann::json report = {{"generator", info.description},
                           {"truncation", options.truncation},
                           {"samples", options.samples},
                           {"real_classifier", {{"val_accuracy", classifier.valAccuracy}, {"test_accuracy", classifier.testAccuracy},
                                                {"file", classifier.file.string()}}}};
  const torch::Tensor testImages = imagesToTensor(dataset.test);
  const torch::Tensor testLabels = labelsToTensor(dataset.test);

  // Generated images shared by consistency and the Fréchet distance.
  auto start = SteadyClock::now();
  torch::Generator rng = makeRng(options.seed, "quality.samples");
  torch::Tensor labels;
  const torch::Tensor generated = generateImages(generator, options.samples, options.truncation, rng, labels);
  report["generate_images_per_second"] = static_cast<double>(options.samples) / secondsSince(start);
  if (info.classes > 0) {
    report["class_consistency"] = classifierAccuracy(classifier.net, generated, labels);
    const torch::Tensor predicted = classifierLogits(classifier.net, generated).argmax(1);
    std::vector<double> perClass;
    for (int64_t c = 0; c < classes; ++c) {
      const torch::Tensor mask = labels.eq(c);
      perClass.push_back(predicted.masked_select(mask).eq(c).to(torch::kFloat64).mean().item<double>());
    }
    report["class_consistency_per_class"] = perClass;
  } else {
    report["class_consistency"] = nullptr;
  }

  // Fréchet distance: generated vs real test, and the floor real train vs real test.
  const torch::Tensor testFeatures = classifierFeatures(classifier.net, testImages);
  report["frechet_distance"] = frechetDistance(testFeatures, classifierFeatures(classifier.net, generated));
  std::vector<int64_t> trainPick = dataset.split.kept;
  RandomStream pick(deriveSeed(options.seed, "quality.floor"));
  pick.shuffle(trainPick);
  trainPick.resize(std::min<size_t>(trainPick.size(), static_cast<size_t>(options.samples)));
  report["frechet_distance_floor"] =
      frechetDistance(testFeatures, classifierFeatures(classifier.net, imagesToTensor(dataset.train.select(trainPick))));
  report["frechet_features"] = "real-data classifier, 128-d penultimate layer";

  // Train on synthetic, test on real.
  if (info.classes > 0) {
    start = SteadyClock::now();
    torch::Generator tstrRng = makeRng(options.seed, "quality.tstr");
    torch::Tensor tstrLabels;
    const torch::Tensor tstrImages = generateImages(generator, options.tstrSamples, options.truncation, tstrRng, tstrLabels);
    QualityClassifierNet tstr =
        trainClassifier(tstrImages, tstrLabels, classes, options.classifier, "train-on-synthetic classifier");
    report["tstr_accuracy"] = classifierAccuracy(tstr, testImages, testLabels);
    report["tstr_samples"] = options.tstrSamples;
    report["tstr_seconds"] = secondsSince(start);
  } else {
    report["tstr_accuracy"] = nullptr;
  }
  return report;
}

}  // namespace genrep
