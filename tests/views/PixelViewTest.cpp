#include "genrep/views/PixelView.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {

torch::Tensor randomImages(int64_t b, int64_t c, int64_t h, int64_t w, uint64_t seed) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::rand({b, c, h, w}, rng) * 2 - 1;
}

TEST(PixelView, CropBoxesLieInsideTheImageWithAreaAndAspectInRange) {
  const PixelViewOptions options;
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(1);
  const int64_t h = 28, w = 28, n = 4000;
  const PixelViewParams p = samplePixelViewParams(n, 1, h, w, options, rng);
  const torch::Tensor area = p.cropWidth * p.cropHeight / static_cast<double>(h * w);
  EXPECT_TRUE((p.cropLeft >= 0).all().item<bool>());
  EXPECT_TRUE((p.cropTop >= 0).all().item<bool>());
  EXPECT_TRUE((p.cropLeft + p.cropWidth <= w).all().item<bool>());
  EXPECT_TRUE((p.cropTop + p.cropHeight <= h).all().item<bool>());
  EXPECT_TRUE(torch::equal(p.cropLeft, p.cropLeft.round())) << "integer pixel boxes";
  // Rounding the sides to whole pixels moves the area share a little outside [0.2, 1].
  EXPECT_GE(area.min().item<double>(), 0.2 * 0.8);
  EXPECT_LE(area.max().item<double>(), 1.0);
  EXPECT_LT(area.min().item<double>(), 0.25) << "small crops happen";
  EXPECT_GT(area.mean().item<double>(), 0.45);
  EXPECT_LT(area.mean().item<double>(), 0.65);
  const torch::Tensor aspect = p.cropWidth / p.cropHeight;
  const torch::Tensor whole = (p.cropWidth == w) & (p.cropHeight == h);  // the fallback box
  const torch::Tensor tried = aspect.masked_select(whole.logical_not());
  EXPECT_GE(tried.min().item<double>(), 0.75 * 0.8);
  EXPECT_LE(tried.max().item<double>(), 4.0 / 3.0 * 1.25);
}

TEST(PixelView, FlippingTwiceIsTheIdentity) {
  const torch::Tensor x = randomImages(5, 3, 9, 7, 2);
  PixelViewParams p = identityPixelViewParams(5, 9, 7);
  p.flip = torch::ones({5});
  const torch::Tensor once = applyPixelView(x, p);
  // Tolerance: the colour steps run even at identity factors and round in the last bit.
  EXPECT_TRUE(torch::allclose(once, x.flip({3}), 1e-5, 1e-5)) << "a flip mirrors the columns";
  EXPECT_TRUE(torch::allclose(applyPixelView(once, p), x, 1e-5, 1e-5));
}

TEST(PixelView, IdentityParametersAndSwitchedOffViewsLeaveImagesUnchanged) {
  const torch::Tensor x = randomImages(4, 3, 8, 8, 3);
  EXPECT_TRUE(torch::allclose(applyPixelView(x, identityPixelViewParams(4, 8, 8)), x, 1e-5, 1e-5));
  PixelViewOptions off;
  off.enabled = false;
  torch::Generator a = at::make_generator<at::CPUGeneratorImpl>(4), b = at::make_generator<at::CPUGeneratorImpl>(5);
  EXPECT_TRUE(torch::equal(pixelView(x, off, a), x));
  EXPECT_TRUE(torch::equal(pixelView(x, off, a), pixelView(x, off, b))) << "Tx off is deterministic";
}

TEST(PixelView, JitterFactorsStayInRangeAndApplyWithTheirProbability) {
  const PixelViewOptions options;
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(6);
  const int64_t n = 5000;
  const PixelViewParams p = samplePixelViewParams(n, 3, 16, 16, options, rng);
  for (const torch::Tensor* factor : {&p.brightness, &p.contrast, &p.saturation}) {
    EXPECT_GE(factor->min().item<double>(), 0.6 - 1e-6);
    EXPECT_LE(factor->max().item<double>(), 1.4 + 1e-6);
  }
  EXPECT_LE(p.hue.abs().max().item<double>(), 0.1 + 1e-6);
  const double jittered = (p.brightness != 1).to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(jittered, 0.8, 0.03);
  EXPECT_NEAR(p.flip.mean().item<double>(), 0.5, 0.03);
  EXPECT_NEAR(p.grey.mean().item<double>(), 0.2, 0.03);
}

TEST(PixelView, GreyImagesGetOnlyBrightnessAndContrast) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(7);
  const PixelViewParams p = samplePixelViewParams(200, 1, 8, 8, PixelViewOptions(), rng);
  EXPECT_TRUE((p.saturation == 1).all().item<bool>());
  EXPECT_TRUE((p.hue == 0).all().item<bool>());
  EXPECT_TRUE((p.grey == 0).all().item<bool>());
}

TEST(PixelView, BrightnessAndContrastMatchTheirDefinitions) {
  const torch::Tensor x = randomImages(2, 1, 6, 6, 8) * 0.5;  // inside [-0.5, 0.5]: no clamping
  PixelViewParams p = identityPixelViewParams(2, 6, 6);
  p.brightness = torch::tensor({1.2f, 0.7f});
  const torch::Tensor x01 = (x + 1) / 2;
  const torch::Tensor expectedBright = (x01 * torch::tensor({1.2f, 0.7f}).view({2, 1, 1, 1})).clamp(0, 1) * 2 - 1;
  EXPECT_TRUE(torch::allclose(applyPixelView(x, p), expectedBright, 1e-5, 1e-5));
  p = identityPixelViewParams(2, 6, 6);
  p.contrast = torch::tensor({0.5f, 1.3f});
  const torch::Tensor mean = x01.mean({1, 2, 3}, true);
  const torch::Tensor expectedContrast =
      ((x01 - mean) * torch::tensor({0.5f, 1.3f}).view({2, 1, 1, 1}) + mean).clamp(0, 1) * 2 - 1;
  EXPECT_TRUE(torch::allclose(applyPixelView(x, p), expectedContrast, 1e-5, 1e-5));
}

TEST(PixelView, GreyscaleMakesTheChannelsEqualAndHueTurnsPrimaries) {
  const torch::Tensor x = randomImages(3, 3, 5, 5, 9) * 0.3;
  PixelViewParams p = identityPixelViewParams(3, 5, 5);
  p.grey = torch::ones({3});
  const torch::Tensor grey = applyPixelView(x, p);
  EXPECT_TRUE(torch::allclose(grey.select(1, 0), grey.select(1, 2), 1e-6, 1e-6));
  // A third of a turn of hue takes red to green and green to blue (HSV, as torchvision); a whole
  // turn changes nothing; greys have no hue.
  const torch::Tensor primaries = torch::tensor({1.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.5f, 0.5f, 0.5f}).view({3, 3, 1, 1});
  const torch::Tensor turned = adjustHue(primaries, torch::full({3}, 1.0f / 3));
  EXPECT_TRUE(torch::allclose(turned, torch::tensor({0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.5f, 0.5f, 0.5f}).view({3, 3, 1, 1}), 1e-5, 1e-5)) << turned;
  const torch::Tensor x01 = (x + 1) / 2;
  EXPECT_TRUE(torch::allclose(adjustHue(x01, torch::ones({3})), x01, 1e-5, 1e-5));
}

TEST(PixelView, TheSameSeedDrawsTheSameViewsAndEachImageItsOwn) {
  const torch::Tensor one = randomImages(1, 1, 12, 12, 10);
  const torch::Tensor x = one.repeat({6, 1, 1, 1});
  torch::Generator a = at::make_generator<at::CPUGeneratorImpl>(11), b = at::make_generator<at::CPUGeneratorImpl>(11);
  const torch::Tensor va = pixelView(x, PixelViewOptions(), a);
  EXPECT_TRUE(torch::equal(va, pixelView(x, PixelViewOptions(), b)));
  EXPECT_FALSE(torch::allclose(va[0], va[1])) << "independent draws per image";
  EXPECT_LE(va.max().item<double>(), 1.0);
  EXPECT_GE(va.min().item<double>(), -1.0);
}

}  // namespace
}  // namespace genrep
