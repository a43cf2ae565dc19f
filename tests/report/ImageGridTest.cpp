#include "genrep/report/ImageGrid.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <memory>

#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

struct Decoded {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // [H, W, C] as stb gives it
};

Decoded decode(const std::vector<uint8_t>& png) {
  Decoded d;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(
      stbi_load_from_memory(png.data(), static_cast<int>(png.size()), &d.width, &d.height, &d.channels, 0), stbi_image_free);
  if (!data) throw std::runtime_error("PNG does not decode");
  d.pixels.assign(data.get(), data.get() + d.width * d.height * d.channels);
  return d;
}

TEST(ImageGrid, EncodedPngDecodesToTheSamePixels) {
  std::vector<uint8_t> rgb(3 * 5 * 7);  // [C, H, W]
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 5);
  const Decoded d = decode(encodePng(rgb.data(), 3, 5, 7));
  ASSERT_EQ(d.channels, 3);
  ASSERT_EQ(d.width, 7);
  ASSERT_EQ(d.height, 5);
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 35; ++p) ASSERT_EQ(d.pixels[static_cast<size_t>(p * 3 + c)], rgb[static_cast<size_t>(c * 35 + p)]);
}

TEST(ImageGrid, PlacesScaledImagesInRowsWithPadding) {
  ImageArray images;
  images.count = 3;
  images.channels = 1;
  images.height = 2;
  images.width = 2;
  images.pixels = {10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33};
  images.labels = {0, 1, 2};
  GridStyle style;
  style.scale = 2;
  style.padding = 1;
  style.background = 255;
  // 2 columns: [0, 2] / [1, empty]
  const Decoded d = decode(imageGridPng(images, {0, 2, 1, -1}, 2, style));
  ASSERT_EQ(d.width, 2 * 4 + 3);
  ASSERT_EQ(d.height, 2 * 4 + 3);
  const auto at = [&](int y, int x) { return d.pixels[static_cast<size_t>(y * d.width + x)]; };
  EXPECT_EQ(at(0, 0), 255);           // padding
  EXPECT_EQ(at(1, 1), 10);            // image 0, top-left pixel, magnified
  EXPECT_EQ(at(2, 2), 10);
  EXPECT_EQ(at(4, 4), 13);            // image 0, bottom-right
  EXPECT_EQ(at(1, 6), 30);            // second column holds image 2
  EXPECT_EQ(at(6, 1), 20);            // second row holds image 1
  EXPECT_EQ(at(6, 6), 255);           // the empty cell
}

TEST(ImageGrid, WritesAtomicallyAndRejectsBadArguments) {
  test::TempDir dir;
  ImageArray images;
  images.count = 1;
  images.channels = 1;
  images.height = 1;
  images.width = 1;
  images.pixels = {7};
  images.labels = {0};
  writeImageGrid(dir / "g.png", images, {0}, 1);
  EXPECT_EQ(decode(readFileBytes(dir / "g.png")).width, 1 + 2 * 2);
  EXPECT_THROW(imageGridPng(images, {}, 1), std::invalid_argument);
  EXPECT_THROW(imageGridPng(images, {0}, 0), std::invalid_argument);
  EXPECT_THROW(imageGridPng(images, {5}, 1), std::out_of_range);
}

}  // namespace
}  // namespace genrep
