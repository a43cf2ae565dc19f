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

// Luma of [B, C, H, W] in [0, 1] -> [B, 1, H, W] (ITU-R 601 with torchvision's weights).
torch::Tensor luma(const torch::Tensor& x) {
  if (x.size(1) == 1) return x;
  return x.select(1, 0).mul(0.2989).add_(x.select(1, 1), 0.587).add_(x.select(1, 2), 0.114).unsqueeze(1);
}

torch::Tensor perImage(const torch::Tensor& values, const torch::Tensor& like) {  // [B] -> [B, 1, 1, 1]
  return values.to(like.device(), like.scalar_type()).view({-1, 1, 1, 1});
}

// torchvision's _rgb2hsv and _hsv2rgb: [B, 3, H, W] in [0, 1] <-> (h in [0, 1) turns, s, v).
torch::Tensor rgbToHsv(const torch::Tensor& x) {
  const torch::Tensor r = x.select(1, 0), g = x.select(1, 1), b = x.select(1, 2);
  const torch::Tensor maxc = std::get<0>(x.max(1)), minc = std::get<0>(x.min(1));
  const torch::Tensor equal = maxc == minc, chroma = maxc - minc, ones = torch::ones_like(maxc);
  const torch::Tensor s = chroma / torch::where(equal, ones, maxc);
  const torch::Tensor divisor = torch::where(equal, ones, chroma);
  const torch::Tensor rc = (maxc - r) / divisor, gc = (maxc - g) / divisor, bc = (maxc - b) / divisor;
  const torch::Tensor h = (maxc == r) * (bc - gc) + ((maxc == g) & (maxc != r)) * (2.0 + rc - bc) +
                          ((maxc != g) & (maxc != r)) * (4.0 + gc - rc);
  return torch::stack({torch::fmod(h / 6.0 + 1.0, 1.0), s, maxc}, 1);
}

torch::Tensor hsvToRgb(const torch::Tensor& hsv) {
  const torch::Tensor h = hsv.select(1, 0), s = hsv.select(1, 1), v = hsv.select(1, 2);
  const torch::Tensor i = torch::floor(h * 6.0), f = h * 6.0 - i;
  const torch::Tensor p = (v * (1.0 - s)).clamp(0, 1), q = (v * (1.0 - s * f)).clamp(0, 1), t = (v * (1.0 - s * (1.0 - f))).clamp(0, 1);
  const torch::Tensor sector = torch::remainder(i.to(torch::kInt32), 6);  // [B, H, W]
  const torch::Tensor mask = (sector.unsqueeze(1) == torch::arange(6, sector.options()).view({1, 6, 1, 1})).to(hsv.scalar_type());
  const torch::Tensor red = torch::stack({v, q, p, p, t, v}, 1), green = torch::stack({t, v, v, q, p, p}, 1),
                      blue = torch::stack({p, p, t, v, v, q}, 1);  // [B, 6, H, W]
  return torch::stack({(mask * red).sum(1), (mask * green).sum(1), (mask * blue).sum(1)}, 1);
}

// Colour operation `op` (0 brightness, 1 contrast, 2 saturation, 3 hue) with per-image `factor`.
torch::Tensor colourOp(int op, const torch::Tensor& x, const torch::Tensor& factor) {
  switch (op) {
    case 0:
      return (x * perImage(factor, x)).clamp_(0, 1);
    case 1: {
      const torch::Tensor mean = luma(x).mean({1, 2, 3}, true);
      return ((x - mean) * perImage(factor, x) + mean).clamp_(0, 1);
    }
    case 2: {
      if (x.size(1) != 3) return x;
      const torch::Tensor grey = luma(x);
      return ((x - grey) * perImage(factor, x) + grey).clamp_(0, 1);
    }
    default:
      return x.size(1) == 3 ? adjustHue(x, factor) : x;
  }
}

}  // namespace

torch::Tensor adjustHue(const torch::Tensor& x, const torch::Tensor& turns) {
  torch::Tensor hsv = rgbToHsv(x);
  hsv = torch::stack({torch::remainder(hsv.select(1, 0) + turns.to(x.device(), x.scalar_type()).view({-1, 1, 1}), 1.0),
                      hsv.select(1, 1), hsv.select(1, 2)}, 1);
  return hsvToRgb(hsv);
}

void PixelViewOptions::validate() const {
  requireSetting(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1, "views.crop_scale_min/max must satisfy 0 < min <= max <= 1");
  requireSetting(ratioMin > 0 && ratioMin <= ratioMax, "views.crop_ratio_min/max must satisfy 0 < min <= max");
  for (double p : {flipProbability, jitterProbability, greyProbability}) {
    requireSetting(p >= 0 && p <= 1, "views.flip_p, views.jitter_p and views.grey_p must be probabilities in [0, 1]");
  }
  requireSetting(brightness >= 0 && contrast >= 0 && saturation >= 0, "views.brightness/contrast/saturation must be >= 0");
  requireSetting(hue >= 0 && hue <= 0.5, "views.hue must be in [0, 0.5]");
  requireSetting(cropSize >= 0, "views.crop_size must be >= 0 (0 = the image's size)");
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
  // torchvision draws a permutation of the four per call (torch.randperm(4)); here one per image.
  if (options.jitterRandomOrder) p.jitterOrder = torch::argsort(torch::rand({batch, 4}, rng, torch::kFloat64), /*dim=*/1, /*descending=*/false);
  p.outHeight = p.outWidth = options.cropSize;
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
  const int64_t outH = params.outHeight > 0 ? params.outHeight : height, outW = params.outWidth > 0 ? params.outWidth : width;
  const torch::Tensor grid = F::affine_grid(theta, {b, c, outH, outW}, false);
  torch::Tensor x = F::grid_sample(images, grid,
                                   F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));
  // Flip as an exact index reversal, so flipping twice is the identity.
  x = torch::where(perImage(params.flip, x) > 0, x.flip({3}), x);

  x = x.add(1).mul_(0.5);  // [0, 1] for the colour operations, as torchvision defines them
  const torch::Tensor factors[4] = {params.brightness, params.contrast, params.saturation, params.hue};
  if (!params.jitterOrder.defined()) {
    for (int op = 0; op < 4; ++op) x = colourOp(op, x, factors[op]);
  } else {
    // Round by round, each image applies the op its permutation puts there (on its own rows).
    for (int64_t round = 0; round < 4; ++round) {
      const torch::Tensor opOfImage = params.jitterOrder.select(1, round);
      for (int op = 0; op < 4; ++op) {
        const torch::Tensor rows = (opOfImage == op).nonzero().flatten();
        if (rows.numel() == 0) continue;
        const torch::Tensor onDevice = rows.to(x.device());
        x.index_copy_(0, onDevice, colourOp(op, x.index_select(0, onDevice), factors[op].index_select(0, rows)));
      }
    }
  }
  if (c == 3) x = torch::where(perImage(params.grey, x) > 0, luma(x).expand_as(x), x);
  return x.mul_(2).sub_(1);
}

torch::Tensor pixelView(const torch::Tensor& images, const PixelViewOptions& options, torch::Generator& rng) {
  if (!options.enabled) {
    if (options.cropSize == 0 || (options.cropSize == images.size(2) && options.cropSize == images.size(3))) return images;
    PixelViewParams whole = identityPixelViewParams(images.size(0), images.size(2), images.size(3));
    whole.outHeight = whole.outWidth = options.cropSize;
    return applyPixelView(images, whole);
  }
  return applyPixelView(images, samplePixelViewParams(images.size(0), images.size(1), images.size(2), images.size(3), options, rng));
}

}  // namespace genrep
