#include "genrep/data/DatasetOpener.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "genrep/data/DatasetStats.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::errorOf;

void writeIdxFolder(const std::filesystem::path& dir, uint32_t train, uint32_t test, bool gz) {
  const auto put = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    test::writeBytes(dir / (gz ? name + ".gz" : name), gz ? test::gzipBytes(bytes) : bytes);
  };
  put("train-images-idx3-ubyte", test::idxImages(train, 6, 6));
  put("train-labels-idx1-ubyte", test::idxLabels(train, 10));
  put("t10k-images-idx3-ubyte", test::idxImages(test, 6, 6));
  put("t10k-labels-idx1-ubyte", test::idxLabels(test, 10));
}

DatasetSpec spec(const std::string& format, const std::filesystem::path& path) {
  DatasetSpec s;
  s.format = format;
  s.path = path;
  return s;
}

TEST(DatasetOpener, IdxFolderGzippedWithValidationSplit) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 200, 50, true);
  const RealDataset d = openDataset(spec("fashion-mnist", dir.path()));
  EXPECT_EQ(d.train.count, 200);
  EXPECT_EQ(d.test.count, 50);
  EXPECT_EQ(d.classNames.size(), 10u);
  EXPECT_EQ(d.classNames[9], "Ankle boot");
  EXPECT_EQ(d.split.held.size(), 20u);
  EXPECT_EQ(d.split.kept.size(), 180u);
}

TEST(DatasetOpener, PlainIdxGetsNumericClassNames) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 30, 10, false);
  const RealDataset d = openDataset(spec("mnist", dir.path()));
  EXPECT_EQ(d.classNames.front(), "0");
  EXPECT_EQ(d.classNames.size(), 10u);
}

TEST(DatasetOpener, AClassSubsetKeepsItsImagesRenumberedInItsOrder) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 200, 50, false);
  const RealDataset all = openDataset(spec("fashion-mnist", dir.path()));
  DatasetSpec some = spec("fashion-mnist", dir.path());
  some.classes = {9, 2};
  const RealDataset d = openDataset(some);
  EXPECT_EQ(d.classNames, (std::vector<std::string>{"Ankle boot", "Pullover"}));
  for (const auto& [part, whole] : {std::pair{&d.train, &all.train}, std::pair{&d.test, &all.test}}) {
    // A naive loop over the whole dataset: the images of classes 9 and 2, in order, relabelled 0 and 1.
    std::vector<int64_t> expected;
    std::vector<uint8_t> pixels;
    const int64_t size = whole->channels * whole->height * whole->width;
    for (int64_t i = 0; i < whole->count; ++i) {
      const int64_t label = whole->labels[static_cast<size_t>(i)];
      if (label != 9 && label != 2) continue;
      expected.push_back(label == 9 ? 0 : 1);
      pixels.insert(pixels.end(), whole->pixels.begin() + i * size, whole->pixels.begin() + (i + 1) * size);
    }
    EXPECT_EQ(part->labels, expected);
    EXPECT_EQ(part->pixels, pixels);
    EXPECT_EQ(part->count, static_cast<int64_t>(expected.size()));
  }
  EXPECT_EQ(d.split.held.size() + d.split.kept.size(), static_cast<size_t>(d.train.count)) << "the validation split is carved from the subset";
  some.classes = {3, 10};
  EXPECT_NE(errorOf([&] { openDataset(some); }).find("data.classes: "), std::string::npos);
  some.classes = {3, 3};
  EXPECT_NE(errorOf([&] { openDataset(some); }).find("class 3 is named twice"), std::string::npos);
}

TEST(DatasetOpener, MnistLabelsOutsideZeroToNineAreRefusedAndIdxInfersItsClasses) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 30, 10, false);
  std::vector<uint8_t> labels = test::idxLabels(30, 10);
  labels[8 + 7] = 200;  // image 7 of train (IDX labels start after an 8-byte header)
  test::writeBytes(dir / "train-labels-idx1-ubyte", labels);
  for (const char* format : {"mnist", "fashion-mnist"}) {
    const std::string error = errorOf([&] { openDataset(spec(format, dir.path())); });
    EXPECT_NE(error.find("train labels"), std::string::npos) << format << ": " << error;
    EXPECT_NE(error.find("label 200 of image 7 is outside the 10 classes"), std::string::npos) << format << ": " << error;
  }
  const RealDataset inferred = openDataset(spec("idx", dir.path()));  // idx: classes 0..200, said on stderr
  EXPECT_EQ(inferred.classNames.size(), 201u);
}

TEST(DatasetOpener, MissingIdxFileIsNamed) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 30, 10, false);
  std::filesystem::remove(dir / "t10k-labels-idx1-ubyte");
  EXPECT_NE(errorOf([&] { openDataset(spec("idx", dir.path())); }).find("t10k-labels-idx1-ubyte"), std::string::npos);
}

TEST(DatasetOpener, MissingFolderAndMissingPathAreNamed) {
  EXPECT_NE(errorOf([] { openDataset(spec("cifar10", "/nonexistent/cifar")); }).find("/nonexistent/cifar"), std::string::npos);
  EXPECT_NE(errorOf([] { openDataset(spec("cifar10", "")); }).find("data.path is empty"), std::string::npos);
}

TEST(DatasetOpener, Cifar10FolderWithClassNamesFile) {
  test::TempDir dir;
  for (int b = 1; b <= 5; ++b) test::writeBytes(dir / ("data_batch_" + std::to_string(b) + ".bin"), test::cifarRecords(20, false));
  test::writeBytes(dir / "test_batch.bin", test::cifarRecords(10, false));
  test::writeText(dir / "batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
  const RealDataset d = openDataset(spec("cifar10", dir.path()));
  EXPECT_EQ(d.train.count, 100);
  EXPECT_EQ(d.test.count, 10);
  EXPECT_EQ(d.classNames[2], "c");
  EXPECT_EQ(d.train.channels, 3);
}

TEST(DatasetOpener, MissingCifarBatchIsNamed) {
  test::TempDir dir;
  test::writeBytes(dir / "data_batch_1.bin", test::cifarRecords(2, false));
  EXPECT_NE(errorOf([&] { openDataset(spec("cifar10", dir.path())); }).find("data_batch_2.bin is missing"), std::string::npos);
}

TEST(DatasetOpener, Cifar100Folder) {
  test::TempDir dir;
  test::writeBytes(dir / "train.bin", test::cifarRecords(200, true));
  test::writeBytes(dir / "test.bin", test::cifarRecords(100, true));
  const RealDataset d = openDataset(spec("cifar100", dir.path()));
  EXPECT_EQ(d.classNames.size(), 100u);
  EXPECT_EQ(d.train.count, 200);
}

TEST(DatasetOpener, ImageFolderWithTrainAndTestSubfolders) {
  test::TempDir dir;
  for (const char* split : {"train", "test"})
    for (const char* cls : {"cat", "dog"})
      for (int i = 0; i < 3; ++i)
        test::writePng(dir / split / cls / (std::to_string(i) + ".png"), std::vector<uint8_t>(4, static_cast<uint8_t>(i)), 1, 2, 2);
  const RealDataset d = openDataset(spec("folder", dir.path()));
  EXPECT_EQ(d.classNames, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(d.train.count, 6);
  EXPECT_EQ(d.test.count, 6);
}

TEST(DatasetOpener, ImageFolderWithoutSplitsCarvesTestStratified) {
  test::TempDir dir;
  for (const char* cls : {"a", "b"})
    for (int i = 0; i < 10; ++i) test::writePng(dir / cls / (std::to_string(i) + ".png"), std::vector<uint8_t>(4, 1), 1, 2, 2);
  DatasetSpec s = spec("folder", dir.path());
  s.testFraction = 0.2;
  const RealDataset d = openDataset(s);
  EXPECT_EQ(d.test.count, 4);
  EXPECT_EQ(d.train.count, 16);
  EXPECT_EQ(classCounts(d.test, 2), (std::vector<int64_t>{2, 2}));
}

TEST(DatasetOpener, ImageFolderTrainAndTestMustShareClasses) {
  test::TempDir dir;
  test::writePng(dir / "train" / "cat" / "0.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  test::writePng(dir / "test" / "dog" / "0.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  EXPECT_NE(errorOf([&] { openDataset(spec("folder", dir.path())); }).find("different class folders"), std::string::npos);
}

TEST(DatasetOpener, ValidationFractionIsChecked) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 30, 10, false);
  DatasetSpec s = spec("idx", dir.path());
  s.valFraction = 1.5;
  EXPECT_NE(errorOf([&] { openDataset(s); }).find("data.val_fraction"), std::string::npos);
}

TEST(DatasetOpener, SummaryCountsAndPixelStatistics) {
  test::TempDir dir;
  writeIdxFolder(dir.path(), 100, 20, false);
  const RealDataset d = openDataset(spec("idx", dir.path()));
  const nlohmann::json s = datasetSummary(d);
  EXPECT_EQ(s["splits"]["train"], 90);
  EXPECT_EQ(s["splits"]["val"], 10);
  EXPECT_EQ(s["image_shape"], nlohmann::json({1, 6, 6}));
  // Naive reference for the mean over the test images.
  double sum = 0;
  for (int64_t i = 0; i < 20; ++i)
    for (int64_t y = 0; y < 6; ++y)
      for (int64_t x = 0; x < 6; ++x) sum += test::idxPixel(i, y, x);
  EXPECT_NEAR(s["pixels"]["test"]["mean"][0].get<double>(), sum / (20 * 36) / 255.0, 1e-12);
}

// The real dataset from Debian's package, when installed (CI installs it).
TEST(DatasetOpener, FashionMnistFromDebian) {
  if (!std::filesystem::exists(kFashionMnistPath)) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const RealDataset d = openDataset(DatasetSpec{});
  EXPECT_EQ(d.train.count, 60000);
  EXPECT_EQ(d.test.count, 10000);
  EXPECT_EQ(d.train.height, 28);
  EXPECT_EQ(classCounts(d.test, 10), std::vector<int64_t>(10, 1000));
  EXPECT_EQ(d.split.held.size(), 6000u);
}

}  // namespace
}  // namespace genrep
