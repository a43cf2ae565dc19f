#include "genrep/data/IdxReader.h"

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::errorOf;

TEST(IdxReader, ReadsImagesAndLabels) {
  const ImageArray images = readIdxImages(test::idxImages(5, 4, 3), "images");
  EXPECT_EQ(images.count, 5);
  EXPECT_EQ(images.channels, 1);
  EXPECT_EQ(images.height, 4);
  EXPECT_EQ(images.width, 3);
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t x = 0; x < 3; ++x) ASSERT_EQ(images.image(i)[y * 3 + x], test::idxPixel(i, y, x));
  EXPECT_EQ(readIdxLabels(test::idxLabels(5, 3), "labels"), (std::vector<int64_t>{0, 1, 2, 0, 1}));
}

TEST(IdxReader, ReadsGzippedAndPlainPairs) {
  test::TempDir dir;
  test::writeBytes(dir / "img.gz", test::gzipBytes(test::idxImages(6, 2, 2)));
  test::writeBytes(dir / "lab", test::idxLabels(6, 4));
  const ImageArray pair = readIdxPair(dir / "img.gz", dir / "lab");
  EXPECT_EQ(pair.count, 6);
  EXPECT_EQ(pair.labels[5], 1);
}

TEST(IdxReader, WrongMagicIsNamed) {
  std::vector<uint8_t> bytes = test::idxImages(2, 2, 2);
  bytes[0] = 0x89;  // a PNG, say
  EXPECT_NE(errorOf([&] { readIdxImages(bytes, "x.idx"); }).find("x.idx: wrong magic number 0x89"), std::string::npos);
}

TEST(IdxReader, UnsupportedElementTypeIsNamed) {
  std::vector<uint8_t> bytes = test::idxImages(2, 2, 2);
  bytes[2] = 0x0D;  // float
  EXPECT_NE(errorOf([&] { readIdxImages(bytes, "f.idx"); }).find("element type 0x0d"), std::string::npos);
}

TEST(IdxReader, SwappedImageAndLabelFilesAreCaught) {
  EXPECT_NE(errorOf([] { readIdxImages(test::idxLabels(4, 2), "labels-as-images"); }).find("swapped"), std::string::npos);
  EXPECT_NE(errorOf([] { readIdxLabels(test::idxImages(4, 2, 2), "images-as-labels"); }).find("swapped"), std::string::npos);
}

TEST(IdxReader, TruncatedHeaderAndPayloadAreErrors) {
  std::vector<uint8_t> bytes = test::idxImages(3, 4, 4);
  EXPECT_NE(errorOf([&] { readIdxImages({0, 0}, "tiny"); }).find("too short"), std::string::npos);
  EXPECT_NE(errorOf([&] { readIdxImages({bytes.begin(), bytes.begin() + 10}, "head"); }).find("truncated IDX header"),
            std::string::npos);
  bytes.pop_back();
  EXPECT_NE(errorOf([&] { readIdxImages(bytes, "cut.idx"); }).find("cut.idx: truncated"), std::string::npos);
}

TEST(IdxReader, TrailingBytesAreAnError) {
  std::vector<uint8_t> bytes = test::idxLabels(3, 2);
  bytes.push_back(0);
  EXPECT_NE(errorOf([&] { readIdxLabels(bytes, "long"); }).find("trailing"), std::string::npos);
}

TEST(IdxReader, ZeroSizedDimensionIsAnError) {
  EXPECT_NE(errorOf([] { readIdxImages(test::idxImages(0, 2, 2), "empty"); }).find("size 0"), std::string::npos);
}

TEST(IdxReader, CountMismatchNamesBothFiles) {
  test::TempDir dir;
  test::writeBytes(dir / "imgs", test::idxImages(5, 2, 2));
  test::writeBytes(dir / "labs", test::idxLabels(4, 2));
  const std::string message = errorOf([&] { readIdxPair(dir / "imgs", dir / "labs"); });
  EXPECT_NE(message.find("5 images"), std::string::npos) << message;
  EXPECT_NE(message.find("4 labels"), std::string::npos) << message;
  EXPECT_NE(message.find("labs"), std::string::npos) << message;
}

TEST(IdxReader, TruncatedGzipFileIsNamed) {
  test::TempDir dir;
  std::vector<uint8_t> packed = test::gzipBytes(test::idxImages(50, 8, 8));
  packed.resize(packed.size() - 20);
  test::writeBytes(dir / "imgs.gz", packed);
  test::writeBytes(dir / "labs", test::idxLabels(50, 2));
  const std::string message = errorOf([&] { readIdxPair(dir / "imgs.gz", dir / "labs"); });
  EXPECT_NE(message.find("imgs.gz"), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

}  // namespace
}  // namespace genrep
