#include "genrep/eval/GeneratorQuality.h"

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "genrep/data/ImageTensor.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"

namespace genrep {
namespace {

// A "generator" that returns real images of the asked class, in order: its class
// consistency must be the classifier's accuracy on those real images.
class RealImagesGenerator : public Generator {
 public:
  explicit RealImagesGenerator(const ImageArray& images) : images_(imagesToTensor(images)), labels_(images.labels) {
    info_.latentDim = 4;
    info_.classes = 2;
    info_.channels = images.channels;
    info_.height = images.height;
    info_.width = images.width;
    info_.description = "real images";
  }
  const GeneratorInfo& info() const override { return info_; }
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor& y) override {
    std::vector<torch::Tensor> out;
    for (int64_t i = 0; i < z.size(0); ++i) {
      const int64_t cls = y[i].item<int64_t>();
      size_t& cursor = cursors_[static_cast<size_t>(cls)];
      while (labels_[cursor % labels_.size()] != cls) ++cursor;  // wraps: later calls cycle again
      out.push_back(images_[static_cast<int64_t>(cursor++ % labels_.size())]);
    }
    return torch::stack(out);
  }
  void to(const torch::Device&) override {}

 private:
  torch::Tensor images_;
  std::vector<int64_t> labels_;
  std::vector<size_t> cursors_ = std::vector<size_t>(2, 0);
  GeneratorInfo info_;
};

// Quality settings of these tests: the real-data classifier cached in `cache`, trained briefly.
QualityOptions briefQualityOptions(const std::filesystem::path& cache, int64_t epochs, int64_t batch = QualityOptions{}.classifier.batch) {
  QualityOptions options;
  options.cacheDir = cache;
  options.classifier.epochs = epochs;
  options.classifier.batch = batch;
  return options;
}

// An unconditional "generator" that shows one image of class 1 where z[0] >= 0 and one of class
// 0 elsewhere, each an image the classifier gets right: a gaussian neighbour changes class
// exactly when z[0] + σ e[0] has another sign than z[0].
class SignOfFirstLatentGenerator : public Generator {
 public:
  SignOfFirstLatentGenerator(torch::Tensor negative, torch::Tensor positive)  // [C, H, W] each
      : negative_(std::move(negative)), positive_(std::move(positive)) {
    info_.latentDim = 3;
    info_.classes = 0;
    info_.channels = negative_.size(0);
    info_.height = negative_.size(1);
    info_.width = negative_.size(2);
    info_.description = "sign of z[0]";
  }
  const GeneratorInfo& info() const override { return info_; }
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor&) override {  // [B, Z] -> [B, C, H, W]
    const torch::Tensor positive = z.select(1, 0).ge(0).view({-1, 1, 1, 1});
    return torch::where(positive, positive_.unsqueeze(0), negative_.unsqueeze(0));
  }
  void to(const torch::Device&) override {}

 private:
  torch::Tensor negative_, positive_;
  GeneratorInfo info_;
};

// P(sign(z + σ e) != sign(z)) for z, e independent standard normals truncated to [-2, 2]: a
// midpoint rule over the square, independent of genrep's samplers.
double signChangeProbability(double sigma) {
  constexpr int kCells = 800;
  constexpr double kBound = 2.0, kWidth = 2 * kBound / kCells;
  double mass = 0, changed = 0;
  for (int i = 0; i < kCells; ++i) {
    const double z = -kBound + (i + 0.5) * kWidth;
    for (int j = 0; j < kCells; ++j) {
      const double e = -kBound + (j + 0.5) * kWidth;
      const double density = std::exp(-0.5 * (z * z + e * e));
      mass += density;
      if ((z + sigma * e >= 0) != (z >= 0)) changed += density;
    }
  }
  return changed / mass;
}

TEST(GeneratorQuality, NeighbourClassChangeIsTheChanceThatTheLatentCrossesTheClassBoundary) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(200, 100, 2, 8);
  const QualityOptions options = briefQualityOptions(dir.path(), 1, 32);
  QualityClassifier classifier = loadOrTrainQualityClassifier(data, options);
  const torch::Tensor test = imagesToTensor(data.test);                            // [N, C, H, W]
  const torch::Tensor predicted = classifierLogits(classifier.net, test).argmax(1);  // [N]
  torch::Tensor right[2];
  for (int64_t i = 0; i < test.size(0) && !(right[0].defined() && right[1].defined()); ++i) {
    const int64_t label = data.test.labels[static_cast<size_t>(i)];
    if (predicted[i].item<int64_t>() == label && !right[label].defined()) right[label] = test[i];
  }
  ASSERT_TRUE(right[0].defined() && right[1].defined()) << "the classifier gets an image of each class right";
  SignOfFirstLatentGenerator generator(right[0], right[1]);

  constexpr int64_t kPairs = 2000;
  const std::vector<double> sigmas{0.25, 1.0};
  const nlohmann::json change = neighbourClassChange(generator, classifier.net, sigmas, kPairs, 1.0, 0);
  ASSERT_EQ(change["gaussian"].size(), sigmas.size());
  for (size_t k = 0; k < sigmas.size(); ++k) {
    const nlohmann::json& row = change["gaussian"][k];
    EXPECT_EQ(row["sigma"].get<double>(), sigmas[k]);
    const double expected = signChangeProbability(sigmas[k]);
    const double standardError = std::sqrt(expected * (1 - expected) / kPairs);
    EXPECT_NEAR(row["changed"].get<double>(), expected, 4 * standardError) << "sigma " << sigmas[k];
    EXPECT_NEAR(row["standard_error"].get<double>(), standardError, 0.2 * standardError);
  }
  EXPECT_LT(change["gaussian"][0]["changed"].get<double>(), change["gaussian"][1]["changed"].get<double>());
  EXPECT_NEAR(change["independent"]["changed"].get<double>(), 0.5, 4 * std::sqrt(0.25 / kPairs))
      << "two independent latents have the same sign half the time";
  EXPECT_EQ(change["pairs"].get<int64_t>(), kPairs);
}

TEST(GeneratorQuality, ClassConsistencyOfRealImagesIsTheClassifierAccuracy) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(200, 100, 2, 8);
  const QualityOptions options = briefQualityOptions(dir.path(), 1, 32);
  QualityClassifier classifier = loadOrTrainQualityClassifier(data, options);
  RealImagesGenerator generator(data.test);
  const double consistency = classConsistency(generator, classifier.net, data.test.count, 1.0, 0);
  EXPECT_DOUBLE_EQ(consistency, classifier.testAccuracy);
  EXPECT_GT(classifier.testAccuracy, 0.9) << "the tiny classes are easy";
}

TEST(GeneratorQuality, ClassifierIsCachedAndReloaded) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(100, 40, 2, 8);
  const QualityOptions options = briefQualityOptions(dir.path(), 1);
  QualityClassifier first = loadOrTrainQualityClassifier(data, options);
  ASSERT_TRUE(std::filesystem::exists(first.file));
  QualityClassifier second = loadOrTrainQualityClassifier(data, options);
  EXPECT_EQ(first.file, second.file);
  EXPECT_DOUBLE_EQ(first.testAccuracy, second.testAccuracy);
  const torch::Tensor test = imagesToTensor(data.test);
  EXPECT_TRUE(torch::equal(classifierLogits(first.net, test), classifierLogits(second.net, test)));
}

TEST(GeneratorQuality, FullReportOnRealImagesHasAFrechetDistanceNearTheFloor) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(400, 200, 2, 8);
  QualityOptions options = briefQualityOptions(dir.path(), 4);
  options.samples = 200;
  options.tstrSamples = 200;
  QualityClassifier classifier = loadOrTrainQualityClassifier(data, options);
  RealImagesGenerator generator(data.test);
  const nlohmann::json report = measureGeneratorQuality(generator, data, classifier, options);
  EXPECT_NEAR(report["frechet_distance"].get<double>(), 0.0, 1e-6) << "the 'generated' set is the test set itself";
  EXPECT_GE(report["frechet_distance_floor"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(report["class_consistency"].get<double>(), classifier.testAccuracy);
  EXPECT_GT(report["tstr_accuracy"].get<double>(), 0.9);
  EXPECT_EQ(report["neighbour_class_change"]["gaussian"].size(), options.neighbourSigmas.size());
}

}  // namespace
}  // namespace genrep
