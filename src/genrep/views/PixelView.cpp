#include "genrep/views/PixelView.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "genrep/core/Config.h"

namespace genrep {
namespace F = torch::nn::functional;

namespace {

torch::Tensor uniform(int64_t n, double low, double high, torch::Generator& rng) {
  return torch::rand({n}, rng, torch::kFloat64).mul_(high - low).add_(low);
}

torch::Tensor bernoulli(int64_t n, double p, torch::Generator& rng) {
  return (torch::rand({n}, rng, torch::kFloat64) < p).to(torch::kFloat32);
}

torch::Tensor jitterFactor(int64_t n, double strength, torch::Generator& rng) {
  return uniform(n, std::max(0.0, 1.0 - strength), 1.0 + strength, rng).to(torch::kFloat32);
}

// Luma of [B, C, H, W] in [0, 1] -> [B, 1, H, W] (ITU-R 601, as torchvision).
torch::Tensor luma(const torch::Tensor& x) {
  if (x.size(1) == 1) return x;
  return x.select(1, 0).mul(0.299).add_(x.select(1, 1), 0.587).add_(x.select(1, 2), 0.114).unsqueeze(1);
}

torch::Tensor perImage(const torch::Tensor& values, const torch::Tensor& like) {  // [B] -> [B, 1, 1, 1]
  return values.to(like.device(), like.scalar_type()).view({-1, 1, 1, 1});
}

// Hue rotation by `turns` as a rotation of the chroma plane in YIQ: a batched stand-in for
// torchvision's HSV round trip that leaves luma unchanged.
torch::Tensor rotateHue(const torch::Tensor& x, const torch::Tensor& turns) {  // x [B, 3, H, W] in [0, 1]
  const torch::Tensor toYiq = torch::tensor({0.299, 0.587, 0.114, 0.596, -0.274, -0.322, 0.211, -0.523, 0.312},
                                            x.options()).view({3, 3});
  const torch::Tensor fromYiq = torch::inverse(toYiq.to(torch::kFloat64)).to(x.scalar_type());
  const torch::Tensor yiq = torch::einsum("ij,bjhw->bihw", {toYiq, x});
  const torch::Tensor angle = turns.to(x.device(), x.scalar_type()).mul(2.0 * M_PI);
  const torch::Tensor c = angle.cos().view({-1, 1, 1}), s = angle.sin().view({-1, 1, 1});
  const torch::Tensor i = yiq.select(1, 1), q = yiq.select(1, 2);
  const torch::Tensor rotated = torch::stack({yiq.select(1, 0), c * i - s * q, s * i + c * q}, 1);
  return torch::einsum("ij,bjhw->bihw", {fromYiq.to(x.device()), rotated});
}

}  // namespace

void PixelViewOptions::validate() const {
  requireSetting(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1, "views.crop_scale_min/max must satisfy 0 < min <= max <= 1");
  requireSetting(ratioMin > 0 && ratioMin <= ratioMax, "views.crop_ratio_min/max must satisfy 0 < min <= max");
  for (double p : {flipProbability, jitterProbability, greyProbability}) {
    requireSetting(p >= 0 && p <= 1, "views.flip_p, views.jitter_p and views.grey_p must be probabilities in [0, 1]");
  }
  requireSetting(brightness >= 0 && contrast >= 0 && saturation >= 0, "views.brightness/contrast/saturation must be >= 0");
  requireSetting(hue >= 0 && hue <= 0.5, "views.hue must be in [0, 0.5]");
}

PixelViewParams samplePixelViewParams(int64_t batch, int64_t channels, int64_t height, int64_t width,
                                      const PixelViewOptions& options, torch::Generator& rng) {
  // Random resized crop as torchvision draws it: up to 10 tries of (area share, log-aspect)
  // per image, the first box that fits wins, otherwise the whole image.
  constexpr int64_t kTries = 10;
  const double area = static_cast<double>(height * width);
  const torch::Tensor share = torch::rand({batch, kTries}, rng, torch::kFloat64)
                                  .mul_(options.scaleMax - options.scaleMin)
                                  .add_(options.scaleMin);
  const torch::Tensor logRatio = torch::rand({batch, kTries}, rng, torch::kFloat64)
                                     .mul_(std::log(options.ratioMax) - std::log(options.ratioMin))
                                     .add_(std::log(options.ratioMin));
  const torch::Tensor ratio = logRatio.exp();
  const torch::Tensor w = (share * area * ratio).sqrt().round();
  const torch::Tensor h = (share * area / ratio).sqrt().round();
  const torch::Tensor fits = (w >= 1) & (h >= 1) & (w <= width) & (h <= height);
  // Index of the first fitting try (argmax of a 0/1 row finds the first 1).
  const torch::Tensor anyFits = fits.any(1);
  const torch::Tensor first = fits.to(torch::kInt64).argmax(1, true);
  const torch::Tensor boxW = torch::where(anyFits, w.gather(1, first).squeeze(1), torch::full({batch}, double(width), torch::kFloat64));
  const torch::Tensor boxH = torch::where(anyFits, h.gather(1, first).squeeze(1), torch::full({batch}, double(height), torch::kFloat64));
  // Top-left corner uniform over the integer positions that keep the box inside.
  const torch::Tensor left = (torch::rand({batch}, rng, torch::kFloat64) * (width - boxW + 1)).floor();
  const torch::Tensor top = (torch::rand({batch}, rng, torch::kFloat64) * (height - boxH + 1)).floor();

  PixelViewParams p;
  p.cropLeft = left.to(torch::kFloat32);
  p.cropTop = top.to(torch::kFloat32);
  p.cropWidth = boxW.to(torch::kFloat32);
  p.cropHeight = boxH.to(torch::kFloat32);
  p.flip = bernoulli(batch, options.flipProbability, rng);
  const torch::Tensor jittered = bernoulli(batch, options.jitterProbability, rng);
  const auto orIdentity = [&](const torch::Tensor& factor, double identity) {
    return torch::where(jittered > 0, factor, torch::full_like(factor, identity));
  };
  const bool rgb = channels == 3;
  p.brightness = orIdentity(jitterFactor(batch, options.brightness, rng), 1.0);
  p.contrast = orIdentity(jitterFactor(batch, options.contrast, rng), 1.0);
  p.saturation = orIdentity(rgb ? jitterFactor(batch, options.saturation, rng) : torch::ones({batch}), 1.0);
  p.hue = orIdentity(rgb ? uniform(batch, -options.hue, options.hue, rng).to(torch::kFloat32) : torch::zeros({batch}), 0.0);
  p.grey = rgb ? bernoulli(batch, options.greyProbability, rng) : torch::zeros({batch});
  return p;
}

PixelViewParams identityPixelViewParams(int64_t batch, int64_t height, int64_t width) {
  PixelViewParams p;
  p.cropLeft = p.cropTop = p.flip = p.hue = p.grey = torch::zeros({batch});
  p.cropWidth = torch::full({batch}, static_cast<float>(width));
  p.cropHeight = torch::full({batch}, static_cast<float>(height));
  p.brightness = p.contrast = p.saturation = torch::ones({batch});
  return p;
}

torch::Tensor applyPixelView(const torch::Tensor& images, const PixelViewParams& params) {
  if (images.dim() != 4) throw std::invalid_argument("pixel views: images must be [B, C, H, W]");
  const int64_t b = images.size(0), c = images.size(1), height = images.size(2), width = images.size(3);
  if (params.cropLeft.size(0) != b) throw std::invalid_argument("pixel views: parameters drawn for another batch size");

  // Crop and resize in one bilinear resampling: output pixel u in [-1, 1] (normalised,
  // align_corners = false) reads input position centre + half-size * u.
  const torch::Tensor halfW = params.cropWidth / static_cast<double>(width);
  const torch::Tensor halfH = params.cropHeight / static_cast<double>(height);
  const torch::Tensor centreX = (2 * params.cropLeft + params.cropWidth) / static_cast<double>(width) - 1;
  const torch::Tensor centreY = (2 * params.cropTop + params.cropHeight) / static_cast<double>(height) - 1;
  const torch::Tensor zero = torch::zeros({b});
  const torch::Tensor theta = torch::stack({torch::stack({halfW, zero, centreX}, 1), torch::stack({zero, halfH, centreY}, 1)}, 1)
                                  .to(images.device(), images.scalar_type());  // [B, 2, 3]
  const torch::Tensor grid = F::affine_grid(theta, {b, c, height, width}, false);
  torch::Tensor x = F::grid_sample(images, grid,
                                   F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));
  // Flip as an exact index reversal, so flipping twice is the identity.
  x = torch::where(perImage(params.flip, x) > 0, x.flip({3}), x);

  x = x.add(1).mul_(0.5);  // [0, 1] for the colour operations, as torchvision defines them
  x = (x * perImage(params.brightness, x)).clamp_(0, 1);
  const torch::Tensor mean = luma(x).mean({1, 2, 3}, true);
  x = ((x - mean) * perImage(params.contrast, x) + mean).clamp_(0, 1);
  if (c == 3) {
    const torch::Tensor grey = luma(x);
    x = ((x - grey) * perImage(params.saturation, x) + grey).clamp_(0, 1);
    x = rotateHue(x, params.hue).clamp_(0, 1);
    x = torch::where(perImage(params.grey, x) > 0, luma(x).expand_as(x), x);
  }
  return x.mul_(2).sub_(1);
}

torch::Tensor pixelView(const torch::Tensor& images, const PixelViewOptions& options, torch::Generator& rng) {
  if (!options.enabled) return images;
  return applyPixelView(images, samplePixelViewParams(images.size(0), images.size(1), images.size(2), images.size(3), options, rng));
}

}  // namespace genrep
