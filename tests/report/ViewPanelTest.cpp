#include "genrep/report/ViewPanel.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <cmath>
#include <memory>

#include "genrep/views/LatentView.h"
#include "support/EchoGenerator.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

// The echo generator writes z / 4 into row 0 of its [1, 4, 8] image; the panel shows each
// image twice its size with 2 pixels of padding, so cell (row, column) starts at
// (2 + row * 10, 2 + column * 18) and pixel x of image row 0 sits at (top, left + 2x).
uint8_t echoByte(float zValue) { return static_cast<uint8_t>(std::lround((zValue / 4 + 1) * 127.5)); }

TEST(ViewPanel, RowsAreAnchorsAndColumnGroupsAreTheirLatentViews) {
  test::TempDir dir;
  test::EchoGenerator generator(3);
  ViewPanelOptions options;
  options.anchors = 4;
  options.sigmas = {0.5, 1.0};
  options.perGroup = 2;
  options.seed = 7;
  const nlohmann::json layout = writeViewPanel(generator, dir / "panel.png", options);
  // anchor | gap | 2 x sigma 0.5 | gap | 2 x sigma 1 | gap | 2 x independent
  EXPECT_EQ(layout["columns"], 10);
  ASSERT_EQ(layout["groups"].size(), 4u);
  EXPECT_EQ(layout["groups"][3]["view"], "independent");
  EXPECT_EQ(layout["row_classes"], nlohmann::json({0, 1, 2, 0}));

  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> png(stbi_load((dir / "panel.png").c_str(), &width, &height, &channels, 1),
                                                stbi_image_free);
  ASSERT_TRUE(png);
  EXPECT_EQ(width, 10 * 16 + 11 * 2);
  EXPECT_EQ(height, 4 * 8 + 5 * 2);
  const auto pixel = [&](int64_t row, int64_t column, int64_t x) {
    return png.get()[(2 + row * 10) * width + 2 + column * 18 + 2 * x];
  };
  const LatentSampler gaussian({LatentViewKind::Gaussian, 1.0, 1.0, true, nullptr}, 6, 3, 7);
  for (int64_t row = 0; row < 4; ++row) {
    const LatentCode anchor = gaussian.anchor(static_cast<uint64_t>(row));
    const LatentCode second = gaussian.neighbour(static_cast<uint64_t>(row), 2);
    for (int64_t x = 0; x < 6; ++x) {
      EXPECT_NEAR(pixel(row, 0, x), echoByte(anchor.z[static_cast<size_t>(x)]), 1) << row << " " << x;
      EXPECT_NEAR(pixel(row, 6, x), echoByte(second.z[static_cast<size_t>(x)]), 1) << row << " " << x;  // sigma 1, k = 2
    }
    EXPECT_EQ(pixel(row, 1, 0), 255);  // the gap column
  }
}

TEST(ViewPanel, AnUnconditionalGeneratorHasNoIndependentColumns) {
  test::TempDir dir;
  test::EchoGenerator generator(0);
  const nlohmann::json layout = writeViewPanel(generator, dir / "panel.png", ViewPanelOptions());
  EXPECT_EQ(layout["groups"].size(), 4u);  // anchor + three sigmas
  EXPECT_TRUE(layout["row_classes"].is_null());
  ViewPanelOptions bad;
  bad.sigmas = {0.5, -1.0};
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { writeViewPanel(generator, dir / "x.png", bad); }).find("sigma -1"),
            std::string::npos);
}

}  // namespace
}  // namespace genrep
