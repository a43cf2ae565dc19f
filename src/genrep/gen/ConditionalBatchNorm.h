#pragma once
// Class-conditional batch norm (BigGAN's generator): normalise with batch statistics
// (running statistics in eval mode), then scale and shift with a gain and a bias looked
// up by class. With classes = 0 it is ordinary batch norm with one learned gain and bias.
//
//   ConditionalBatchNorm bn(128, 10);
//   torch::Tensor out = bn(x, y);   // x [B, 128, H, W], y [B] int64
#include <utility>

#include <torch/torch.h>

#include "genrep/dist/SyncBatchNorm.h"

namespace genrep {

class ConditionalBatchNormImpl : public torch::nn::Module {
 public:
  ConditionalBatchNormImpl(int64_t features, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& y);  // x [B, F, H, W], y [B] or undefined
  // Eval mode as one affine map, forward(x, y) = x * scale + shift: {scale, shift}, each
  // [B, F, 1, 1] ([1, F, 1, 1] when unconditional), so that a caller can apply it in the same
  // pass as other work on x (the generator's inference path).
  std::pair<torch::Tensor, torch::Tensor> evalAffine(const torch::Tensor& y) const;
  SyncBatchNorm2d norm{nullptr};  // BatchNorm2d without affine; statistics pooled over ranks when asked
  torch::Tensor gain;  // [max(classes, 1), F], starts at 1
  torch::Tensor bias;  // [max(classes, 1), F], starts at 0
  int64_t classes;
};
TORCH_MODULE(ConditionalBatchNorm);

}  // namespace genrep
