#pragma once
// The encoder F: a ResNet with a CIFAR-style stem for small images (3x3 conv, stride 1, no
// max-pool), `stages` stages of `blocks` basic blocks each; stage s has width * 2^s channels
// and halves the resolution (except the first). Global average pooling gives the features
// that every probe evaluates. ResNet-18 is {stages 4, blocks 2, width 64}; the default is
// narrow and shallow because 2 CPU cores train it. Its batch norms are SyncBatchNorm2d: plain
// BatchNorm2d unless data-parallel ranks are asked to pool their statistics.
//
//   ResNetEncoder encoder(EncoderArch{1, 4, 1, 16});
//   torch::Tensor h = encoder->forward(x);   // x [B, 1, 28, 28] -> h [B, 128]
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/dist/SyncBatchNorm.h"

namespace genrep {

struct EncoderArch {
  int64_t channels = 1;  // input image channels
  int64_t stages = 4;
  int64_t blocks = 1;    // basic blocks per stage
  int64_t width = 16;    // channels of the first stage

  int64_t featureDim() const { return width << (stages - 1); }
  // Floating-point operations of one forward pass of one height x width image: 2 per
  // multiply-add of every convolution (batch norm, ReLU and pooling are not counted; they
  // are < 1 % here). A training step costs about 3x this (forward, input and weight gradients).
  int64_t forwardFlops(int64_t height, int64_t width) const;
  void validate() const;  // throws std::invalid_argument naming the encoder.* key
  nlohmann::json toJson() const;
  static EncoderArch fromJson(const nlohmann::json& json);
};

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  SyncBatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Sequential shortcut{nullptr};  // empty when shapes match
};
TORCH_MODULE(BasicBlock);

class ResNetEncoderImpl : public torch::nn::Module {
 public:
  explicit ResNetEncoderImpl(const EncoderArch& arch);
  torch::Tensor forward(const torch::Tensor& x);  // x [B, C, H, W] in [-1, 1] -> [B, featureDim]
  const EncoderArch& arch() const { return arch_; }

 private:
  EncoderArch arch_;
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(ResNetEncoder);

}  // namespace genrep
