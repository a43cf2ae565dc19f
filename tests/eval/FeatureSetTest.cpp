#include "genrep/eval/FeatureSet.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {

// The paper's evaluation input (Resize 128, CenterCrop 112) on a horizontal ramp: bilinear
// resampling of a linear function is exact inside the image, so every output pixel has a closed form.
TEST(FeatureSet, ResizesTheShorterSideAndCropsTheCentreAsThePaper) {
  const int64_t h = 50, w = 100, size = 112;
  const torch::Tensor ramp = torch::arange(w, torch::kFloat32).view({1, 1, 1, w}).expand({2, 3, h, w}).contiguous();  // f(x) = x
  const torch::Tensor out = resizeAndCentreCrop(ramp, size);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2, 3, size, size}));
  // Shorter side 50 -> 128, longer 100 -> 256; centre crop at left (256 - 112) / 2 = 72.
  const double scale = static_cast<double>(w) / 256;
  for (int64_t j = 1; j + 1 < size; ++j) {
    const double source = (static_cast<double>(j + 72) + 0.5) * scale - 0.5;  // align_corners = false
    EXPECT_NEAR(out[1][2][60][j].item<double>(), source, 1e-4) << "column " << j;
  }
  EXPECT_EQ(inputTransform(h, w, size), "resize 50x100 to shorter side 128, centre crop 112");
  EXPECT_EQ(inputTransform(size, size, size), "none");
  EXPECT_TRUE(torch::equal(resizeAndCentreCrop(out, size), out)) << "images of the right size pass through";
  EXPECT_TRUE(torch::equal(resizeAndCentreCrop(ramp, 0), ramp));
}

}  // namespace
}  // namespace genrep
