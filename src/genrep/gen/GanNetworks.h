#pragma once
// genrep's own GAN for small images (H and W divisible by 4), after BigGAN in miniature:
//   G: z -> Linear -> [4w, H/4, W/4] -> 2 x (CBN, ReLU, nearest 2x upsample, 3x3 conv)
//      -> CBN, ReLU, 3x3 conv -> tanh            (class-conditional batch norm)
//   D: 5 spectrally normalised convs (two of stride 2) -> sum-pooled features h [4w]
//      -> score = linear(h) + <embed(y), h>     (projection discriminator)
//      -> class logits = linear(h)               (auxiliary classifier, used for D on
//                                                 real labels and G on its own labels)
// Upsample + 3x3 conv instead of ConvTranspose2d: about 2x faster on this LibTorch's CPU
// path at equal quality (docs/gan.md).
//
//   GanArchitecture arch;                         // Fashion-MNIST defaults
//   GanGeneratorNet g(arch); GanDiscriminatorNet d(arch);
//   torch::Tensor x = g(z, y);                    // z [B, Z], y [B] -> [B, C, H, W] in [-1, 1]
//   auto [score, logits] = d(x, y);               // [B], [B, classes]
#include <tuple>

#include <nlohmann/json_fwd.hpp>
#include <torch/torch.h>

#include "genrep/gen/ConditionalBatchNorm.h"
#include "genrep/gen/SpectralNorm.h"

namespace genrep {

struct GanArchitecture {
  int64_t latentDim = 64;
  int64_t classes = 10;  // 0 = unconditional
  int64_t channels = 1;
  int64_t height = 28;
  int64_t width = 28;
  int64_t widthG = 32;  // base channels of G (the deepest layer has 4x)
  int64_t widthD = 32;  // base channels of D

  void validate() const;  // throws std::invalid_argument naming the bad field
  nlohmann::json toJson() const;
  static GanArchitecture fromJson(const nlohmann::json& json);
};

class GanGeneratorNetImpl : public torch::nn::Module {
 public:
  explicit GanGeneratorNetImpl(const GanArchitecture& arch);
  // [B, Z], [B] -> [B, C, H, W]; in eval mode with gradients off, sample(z, y).
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& y);
  GanArchitecture arch;

 private:
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor& y);  // eval mode, no autograd
  torch::nn::Linear project{nullptr};
  ConditionalBatchNorm bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, toImage{nullptr};
};
TORCH_MODULE(GanGeneratorNet);

class GanDiscriminatorNetImpl : public torch::nn::Module {
 public:
  explicit GanDiscriminatorNetImpl(const GanArchitecture& arch);
  // x [B, C, H, W], y [B] (undefined when unconditional) -> score [B], class logits [B, classes]
  std::tuple<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x, const torch::Tensor& y);
  GanArchitecture arch;

 private:
  torch::nn::ModuleList convs{nullptr};
  SNLinear score{nullptr};
  SNEmbedding embed{nullptr};
  SNLinear classify{nullptr};
};
TORCH_MODULE(GanDiscriminatorNet);

// Number of trainable parameters.
int64_t parameterCount(const torch::nn::Module& module);

}  // namespace genrep
