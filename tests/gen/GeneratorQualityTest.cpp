#include "genrep/gen/GeneratorQuality.h"

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

TEST(GeneratorQuality, ClassConsistencyOfRealImagesIsTheClassifierAccuracy) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(200, 100, 2, 8);
  QualityOptions options;
  options.cacheDir = dir.path();
  options.classifier.epochs = 1;
  options.classifier.batch = 32;
  QualityClassifier classifier = loadOrTrainQualityClassifier(data, options);
  RealImagesGenerator generator(data.test);
  const double consistency = classConsistency(generator, classifier.net, data.test.count, 1.0, 0);
  EXPECT_DOUBLE_EQ(consistency, classifier.testAccuracy);
  EXPECT_GT(classifier.testAccuracy, 0.9) << "the tiny classes are easy";
}

TEST(GeneratorQuality, ClassifierIsCachedAndReloaded) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(100, 40, 2, 8);
  QualityOptions options;
  options.cacheDir = dir.path();
  options.classifier.epochs = 1;
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
  QualityOptions options;
  options.cacheDir = dir.path();
  options.classifier.epochs = 4;
  options.samples = 200;
  options.tstrSamples = 200;
  QualityClassifier classifier = loadOrTrainQualityClassifier(data, options);
  RealImagesGenerator generator(data.test);
  const nlohmann::json report = measureGeneratorQuality(generator, data, classifier, options);
  EXPECT_NEAR(report["frechet_distance"].get<double>(), 0.0, 1e-6) << "the 'generated' set is the test set itself";
  EXPECT_GE(report["frechet_distance_floor"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(report["class_consistency"].get<double>(), classifier.testAccuracy);
  EXPECT_GT(report["tstr_accuracy"].get<double>(), 0.9);
}

}  // namespace
}  // namespace genrep
