#include "genrep/data/ImageFolderReader.h"

#include <gtest/gtest.h>
#include <stb_image_write.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::errorOf;

std::vector<uint8_t> rgbImage(int seed, int height, int width) {  // planar [3, H, W]
  std::vector<uint8_t> pixels(static_cast<size_t>(3 * height * width));
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(seed * 40 + i * 3);
  return pixels;
}

TEST(ImageFolderReader, ClassesInSortedOrderFilesInSortedOrder) {
  test::TempDir dir;
  // Created out of order on purpose.
  test::writePng(dir / "zebra" / "b.png", rgbImage(1, 4, 5), 3, 4, 5);
  test::writePng(dir / "ant" / "2.png", rgbImage(2, 4, 5), 3, 4, 5);
  test::writePng(dir / "ant" / "1.png", rgbImage(3, 4, 5), 3, 4, 5);
  test::writePng(dir / "moth" / "a.PNG", rgbImage(4, 4, 5), 3, 4, 5);
  test::writeText(dir / "moth" / "notes.txt", "not an image");
  test::writeText(dir / "moth" / ".hidden.png", "hidden files are skipped");
  const LabelledFolder folder = readImageFolder(dir.path(), 0);
  EXPECT_EQ(folder.classNames, (std::vector<std::string>{"ant", "moth", "zebra"}));
  ASSERT_EQ(folder.images.count, 4);
  EXPECT_EQ(folder.images.channels, 3);
  EXPECT_EQ(folder.images.height, 4);
  EXPECT_EQ(folder.images.width, 5);
  EXPECT_EQ(folder.images.labels, (std::vector<int64_t>{0, 0, 1, 2}));
  // ant/1.png comes first and keeps its exact pixels in [C, H, W] order.
  const std::vector<uint8_t> expected = rgbImage(3, 4, 5);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), folder.images.image(0)));
}

TEST(ImageFolderReader, FolderWithoutClassFoldersIsUnlabelled) {
  test::TempDir dir;
  test::writePng(dir / "x.png", std::vector<uint8_t>(16, 7), 1, 4, 4);
  test::writePng(dir / "y.png", std::vector<uint8_t>(16, 9), 1, 4, 4);
  const LabelledFolder folder = readImageFolder(dir.path(), 0);
  EXPECT_TRUE(folder.classNames.empty());
  EXPECT_EQ(folder.images.count, 2);
  EXPECT_EQ(folder.images.channels, 1);
  EXPECT_EQ(folder.images.labels, (std::vector<int64_t>{-1, -1}));
  EXPECT_FALSE(folder.images.labelled());
}

TEST(ImageFolderReader, ConvertsChannelsOnRequest) {
  test::TempDir dir;
  test::writePng(dir / "c" / "grey.png", std::vector<uint8_t>(4, 100), 1, 2, 2);
  const LabelledFolder rgb = readImageFolder(dir.path(), 3);
  EXPECT_EQ(rgb.images.channels, 3);
  EXPECT_EQ(rgb.images.pixels, std::vector<uint8_t>(12, 100));
}

TEST(ImageFolderReader, DecodesJpeg) {
  test::TempDir dir;
  std::vector<uint8_t> flat(8 * 8, 128);
  std::filesystem::create_directories(dir / "c");
  ASSERT_TRUE(stbi_write_jpg((dir / "c" / "a.jpg").c_str(), 8, 8, 1, flat.data(), 95));
  const LabelledFolder folder = readImageFolder(dir.path(), 0);
  ASSERT_EQ(folder.images.count, 1);
  for (const uint8_t p : folder.images.pixels) EXPECT_NEAR(p, 128, 2);
}

TEST(ImageFolderReader, EmptyOrMissingFoldersAreErrors) {
  test::TempDir dir;
  EXPECT_NE(errorOf([&] { readImageFolder(dir.path(), 0); }).find("holds no PNG or JPEG"), std::string::npos);
  EXPECT_NE(errorOf([&] { readImageFolder(dir / "nope", 0); }).find("does not exist"), std::string::npos);
  std::filesystem::create_directories(dir / "empty-class");
  test::writePng(dir / "full" / "a.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  EXPECT_NE(errorOf([&] { readImageFolder(dir.path(), 0); }).find("empty-class holds no PNG"), std::string::npos);
}

TEST(ImageFolderReader, CorruptImageIsNamed) {
  test::TempDir dir;
  test::writePng(dir / "c" / "good.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  test::writeText(dir / "c" / "broken.png", "\x89PNG this is not really a png");
  EXPECT_NE(errorOf([&] { readImageFolder(dir.path(), 0); }).find("broken.png"), std::string::npos);
}

TEST(ImageFolderReader, DifferentSizesAreNamed) {
  test::TempDir dir;
  test::writePng(dir / "c" / "a.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  test::writePng(dir / "c" / "b.png", std::vector<uint8_t>(9, 1), 1, 3, 3);
  const std::string message = errorOf([&] { readImageFolder(dir.path(), 0); });
  EXPECT_NE(message.find("b.png is 3x3"), std::string::npos) << message;
}

TEST(ImageFolderReader, LooseImagesBesideClassFoldersAreAnError) {
  test::TempDir dir;
  test::writePng(dir / "c" / "a.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  test::writePng(dir / "stray.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  EXPECT_NE(errorOf([&] { readImageFolder(dir.path(), 0); }).find("mixes class sub-folders"), std::string::npos);
}

TEST(ImageFolderReader, BadChannelSettingIsNamed) {
  test::TempDir dir;
  test::writePng(dir / "a.png", std::vector<uint8_t>(4, 1), 1, 2, 2);
  EXPECT_NE(errorOf([&] { readImageFolder(dir.path(), 2); }).find("data.channels"), std::string::npos);
}

}  // namespace
}  // namespace genrep
