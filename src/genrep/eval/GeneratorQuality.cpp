#include "genrep/eval/GeneratorQuality.h"

#include <cmath>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/core/Progress.h"
#include "genrep/core/Stopwatch.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/FrechetDistance.h"
#include "genrep/gen/Latents.h"
#include "genrep/gen/PrecisionRecall.h"
#include "genrep/views/LatentTensors.h"

namespace genrep {
namespace {

constexpr int64_t kPrecisionRecallK = 3;  // Kynkäänniemi et al.'s choice
constexpr int64_t kGenerateBatch = 100;  // activations under the 32 MiB mmap threshold

torch::Generator makeRng(uint64_t seed, const char* stream) {
  return at::make_generator<at::CPUGeneratorImpl>(deriveSeed(seed, stream));
}

// The real classifier's class [count] of the image of each code(i), generated in batches.
torch::Tensor predictedClasses(Generator& generator, QualityClassifierNet& classifier, int64_t count,
                               const std::function<LatentCode(int64_t)>& code) {
  torch::NoGradGuard noGrad;
  const GeneratorInfo& info = generator.info();
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < count; start += kGenerateBatch) {
    const int64_t n = std::min(kGenerateBatch, count - start);
    std::vector<LatentCode> codes;
    codes.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) codes.push_back(code(start + i));
    const LatentTensors t = latentTensors(codes, info.latentDim);  // [n, Z], [n]
    const torch::Tensor images = normaliseGenerated(generator.sample(t.z, info.classes > 0 ? t.y : torch::Tensor()), info);
    parts.push_back(classifierLogits(classifier, images).argmax(1));
  }
  return torch::cat(parts);
}

nlohmann::json changedShare(const torch::Tensor& anchorClasses, const torch::Tensor& otherClasses) {  // [N], [N]
  const double share = otherClasses.ne(anchorClasses).to(torch::kFloat64).mean().item<double>();
  const auto n = static_cast<double>(anchorClasses.size(0));
  return {{"changed", share}, {"standard_error", std::sqrt(share * (1 - share) / n)}};
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

double frechetDistanceToReal(Generator& generator, QualityClassifierNet& classifier, const torch::Tensor& realFeatures,
                             int64_t samples, double truncation, uint64_t seed) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor labels;
  const torch::Tensor images = generateImages(generator, samples, truncation, rng, labels);
  return frechetDistance(realFeatures, classifierFeatures(classifier, images));
}

nlohmann::json neighbourClassChange(Generator& generator, QualityClassifierNet& classifier, const std::vector<double>& sigmas,
                                    int64_t pairs, double truncation, uint64_t seed) {
  if (pairs < 1) throw std::invalid_argument("neighbour class change: at least one pair is needed");
  const GeneratorInfo& info = generator.info();
  const uint64_t latentSeed = deriveSeed(seed, "quality.neighbours");
  LatentViewOptions view;
  view.kind = LatentViewKind::Gaussian;
  view.truncation = truncation;
  // Anchor i is the same z (and y) whatever σ the sampler has: one pass over the anchors serves every σ.
  const LatentSampler anchors(view, info.latentDim, info.classes, latentSeed);
  const torch::Tensor anchorClasses =
      predictedClasses(generator, classifier, pairs, [&](int64_t i) { return anchors.anchor(static_cast<uint64_t>(i)); });
  nlohmann::json gaussian = nlohmann::json::array();
  for (const double sigma : sigmas) {
    view.sigma = sigma;
    const LatentSampler neighbours(view, info.latentDim, info.classes, latentSeed);
    nlohmann::json row = changedShare(
        anchorClasses,
        predictedClasses(generator, classifier, pairs, [&](int64_t i) { return neighbours.neighbour(static_cast<uint64_t>(i), 1); }));
    row["sigma"] = sigma;
    gaussian.push_back(std::move(row));
  }
  torch::Tensor independentClasses;
  if (info.classes > 0) {
    view.kind = LatentViewKind::Independent;
    const LatentSampler independent(view, info.latentDim, info.classes, latentSeed);
    independentClasses =
        predictedClasses(generator, classifier, pairs, [&](int64_t i) { return independent.neighbour(static_cast<uint64_t>(i), 1); });
  } else {  // another anchor: independent views need classes
    independentClasses = predictedClasses(generator, classifier, pairs,
                                          [&](int64_t i) { return anchors.anchor(static_cast<uint64_t>(pairs + i)); });
  }
  return {{"pairs", pairs},
          {"truncation", truncation},
          {"gaussian", std::move(gaussian)},
          {"independent", changedShare(anchorClasses, independentClasses)},
          {"measure", "share of pairs whose images the real-data classifier puts in different classes"}};
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

  // The parts before train-on-synthetic (which has its own line) take about a minute on a CPU.
  Progress progress("quality", options.neighbourSigmas.empty() ? 2 : 3, "parts");
  progress.setNote("samples and their classes");
  // Generated images shared by consistency and the Fréchet distance.
  auto start = SteadyClock::now();
  torch::Generator rng = makeRng(options.seed, "quality.samples");
  torch::Tensor labels;
  const torch::Tensor generated = generateImages(generator, options.samples, options.truncation, rng, labels);
  report["generate_images_per_second"] = static_cast<double>(options.samples) / secondsSince(start);
  // One classifier pass over the samples serves consistency and coverage.
  const torch::Tensor predicted = classifierLogits(classifier.net, generated).argmax(1);
  if (info.classes > 0) {
    report["class_consistency"] = predicted.eq(labels).to(torch::kFloat64).mean().item<double>();  // classifierAccuracy's
    std::vector<double> perClass;
    for (int64_t c = 0; c < classes; ++c) {
      const torch::Tensor mask = labels.eq(c);
      perClass.push_back(predicted.masked_select(mask).eq(c).to(torch::kFloat64).mean().item<double>());
    }
    report["class_consistency_per_class"] = perClass;
  } else {
    report["class_consistency"] = nullptr;
  }

  // Which real classes the samples look like (the real classifier's predictions): the measure
  // of coverage that an unconditional generator has, where class consistency needs labels.
  {
    const torch::Tensor shares = torch::bincount(predicted, {}, classes).to(torch::kFloat64) / static_cast<double>(predicted.size(0));
    const torch::Tensor nonzero = shares.masked_select(shares.gt(0));
    const double entropy = -(nonzero * nonzero.log()).sum().item<double>();
    report["predicted_class_shares"] = std::vector<double>(shares.data_ptr<double>(), shares.data_ptr<double>() + classes);
    report["class_names"] = dataset.classNames;  // the shares' order
    // exp(entropy) / K: 1 when every class is as frequent, 1/K when one class is all.
    report["class_coverage"] = std::exp(entropy) / static_cast<double>(classes);
    report["rarest_class_share"] = shares.min().item<double>() * static_cast<double>(classes);  // of a uniform share
  }

  progress.advance();
  progress.setNote("Fréchet distance, precision and recall");
  // Fréchet distance and precision / recall: generated vs real test, and the floors real train
  // vs real test.
  const torch::Tensor testFeatures = classifierFeatures(classifier.net, testImages);
  const torch::Tensor generatedFeatures = classifierFeatures(classifier.net, generated);
  std::vector<int64_t> trainPick = dataset.split.kept;
  RandomStream pick(deriveSeed(options.seed, "quality.floor"));
  pick.shuffle(trainPick);
  trainPick.resize(std::min<size_t>(trainPick.size(), static_cast<size_t>(options.samples)));
  const torch::Tensor trainFeatures = classifierFeatures(classifier.net, imagesToTensor(dataset.train.select(trainPick)));
  report["frechet_distance"] = frechetDistance(testFeatures, generatedFeatures);
  report["frechet_distance_floor"] = frechetDistance(testFeatures, trainFeatures);
  report["frechet_features"] = "real-data classifier, 128-d penultimate layer";
  const PrecisionRecall pr = precisionRecall(testFeatures, generatedFeatures, kPrecisionRecallK);
  const PrecisionRecall prFloor = precisionRecall(testFeatures, trainFeatures, kPrecisionRecallK);
  report["precision"] = pr.precision;
  report["recall"] = pr.recall;
  report["precision_recall_floor"] = {{"precision", prFloor.precision}, {"recall", prFloor.recall}};
  report["precision_recall_k"] = kPrecisionRecallK;

  progress.advance();
  if (!options.neighbourSigmas.empty()) {
    progress.setNote("latent neighbours' classes");
    report["neighbour_class_change"] =
        neighbourClassChange(generator, classifier.net, options.neighbourSigmas, options.samples, options.truncation, options.seed);
    progress.advance();
  }
  progress.finish();

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
