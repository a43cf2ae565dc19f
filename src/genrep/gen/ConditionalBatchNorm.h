#pragma once
// Class-conditional batch norm (BigGAN's generator): normalise with batch statistics
// (running statistics in eval mode), then scale and shift with a gain and a bias looked
// up by class. With classes = 0 it is ordinary batch norm with one learned gain and bias.
//
//   ConditionalBatchNorm bn(128, 10);
//   torch::Tensor out = bn(x, y);   // x [B, 128, H, W], y [B] int64
#include <torch/torch.h>

#include "genrep/dist/SyncBatchNorm.h"

namespace genrep {

class ConditionalBatchNormImpl : public torch::nn::Module {
 public:
  ConditionalBatchNormImpl(int64_t features, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& y);  // x [B, F, H, W], y [B] or undefined
  SyncBatchNorm2d norm{nullptr};  // BatchNorm2d without affine; statistics pooled over ranks when asked
  torch::Tensor gain;  // [max(classes, 1), F], starts at 1
  torch::Tensor bias;  // [max(classes, 1), F], starts at 0
  int64_t classes;
};
TORCH_MODULE(ConditionalBatchNorm);

}  // namespace genrep
