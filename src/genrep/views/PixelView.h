#pragma once
// Pixel views Tx (SimCLR's augmentations, as the paper uses them), batched on tensors on the
// images' device, with an independent draw for every image: random resized crop (scale 0.2-1,
// aspect 3/4-4/3) resized to `cropSize` (0: the image's own size), horizontal flip (p 0.5),
// colour jitter with p 0.8 (brightness, contrast, saturation 0.4, hue 0.1; on grey images only
// brightness and contrast) in a fixed order or, as torchvision's ColorJitter, a random order per
// image, random greyscale (p 0.2, RGB only). Each colour operation is torchvision's functional
// one (hue through HSV, greys with ITU-R 601 weights 0.2989 / 0.587 / 0.114); docs/encoders.md
// gives the measured difference to torchvision. Images stay in [-1, 1], which is the
// normalisation the encoders see. Switched off (`enabled = false`) a view is the whole image,
// resized to `cropSize` when that is set.
//
// The random draws are separate from their application so each can be checked alone:
//   PixelViewParams p = samplePixelViewParams(b, c, h, w, options, rng);  // CPU generator
//   torch::Tensor views = applyPixelView(images, p);                      // [B, C, H, W]
#include <cstdint>

#include <torch/torch.h>

namespace genrep {

struct PixelViewOptions {
  bool enabled = true;
  double scaleMin = 0.2, scaleMax = 1.0;
  double ratioMin = 3.0 / 4.0, ratioMax = 4.0 / 3.0;
  double flipProbability = 0.5;
  double jitterProbability = 0.8;
  double brightness = 0.4, contrast = 0.4, saturation = 0.4, hue = 0.1;
  double greyProbability = 0.2;
  bool jitterRandomOrder = false;  // torchvision's ColorJitter: the four in a random order per image
  int64_t cropSize = 0;            // output side in pixels; 0 = the image's height and width

  void validate() const;  // throws std::invalid_argument naming the views.* key
};

// Every tensor is [B] float (flip, jittered, grey: 0 or 1) on the CPU.
struct PixelViewParams {
  torch::Tensor cropLeft, cropTop, cropWidth, cropHeight;  // integer pixel box inside the image
  torch::Tensor flip;
  torch::Tensor brightness, contrast, saturation, hue;  // factors (1 = unchanged), hue shift in turns
  torch::Tensor grey;
  torch::Tensor jitterOrder;  // [B, 4] int64: the op each image applies at rounds 0..3 (0 brightness,
                              // 1 contrast, 2 saturation, 3 hue; torchvision's fn_idx); undefined = 0, 1, 2, 3
  int64_t outHeight = 0, outWidth = 0;  // the views' size; 0 = the images'
};

PixelViewParams samplePixelViewParams(int64_t batch, int64_t channels, int64_t height, int64_t width,
                                      const PixelViewOptions& options, torch::Generator& rng);
// The identity draw (full-image crop, no flip, no jitter): what `enabled = false` uses.
PixelViewParams identityPixelViewParams(int64_t batch, int64_t height, int64_t width);

// torchvision's colour operations on [B, 3, H, W] in [0, 1], per image (factors [B]).
torch::Tensor adjustHue(const torch::Tensor& x, const torch::Tensor& turns);

// images [B, C, H, W] float in [-1, 1] -> [B, C, H, W] in [-1, 1], on the images' device.
torch::Tensor applyPixelView(const torch::Tensor& images, const PixelViewParams& params);

// One independent draw per image, or the images unchanged when switched off.
torch::Tensor pixelView(const torch::Tensor& images, const PixelViewOptions& options, torch::Generator& rng);

}  // namespace genrep
