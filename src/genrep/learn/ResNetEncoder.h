#pragma once
// The encoder F, one of two families (encoder.arch):
// - `resnet` (the default): genrep's small ResNet with a CIFAR-style stem for small images (3x3
//   conv, stride 1, no max-pool), `stages` stages of `blocks` basic blocks each; stage s has
//   width * 2^s channels and halves the resolution (except the first). Narrow and shallow
//   because 2 CPU cores train it.
// - `resnet18`, `resnet34`, `resnet50`: torchvision's architectures and parameter names (the
//   paper's encoder is ResNet-50): the ImageNet stem (7x7 stride-2 conv, max-pool) or the CIFAR
//   stem for small images (encoder.stem), basic blocks (18, 34) or bottlenecks with the stride
//   on the 3x3 conv (50, torchvision's "v1.5"), torchvision's initialisation. Their saved
//   weights load into torchvision.models.resnetNN with only `fc` missing (docs/encoders.md).
// Global average pooling gives the features every probe evaluates. The batch norms are
// SyncBatchNorm2d: plain BatchNorm2d unless data-parallel ranks pool their statistics.
//
//   ResNetEncoder encoder(EncoderArch{1, 4, 1, 16});
//   torch::Tensor h = encoder->forward(x);   // x [B, 1, 28, 28] -> h [B, 128]
//   ResNetEncoder paper(EncoderArch{3, 4, 1, 16, EncoderKind::ResNet50});   // x [B, 3, 112, 112] -> [B, 2048]
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/core/NameTable.h"
#include "genrep/dist/SyncBatchNorm.h"

namespace genrep {

// Stored in encoder manifests by name: append only.
enum class EncoderKind { Small = 0, ResNet18 = 1, ResNet34 = 2, ResNet50 = 3 };
const NameTable<EncoderKind>& encoderKinds();  // resnet, resnet18, resnet34, resnet50

enum class EncoderStem { ImageNet = 0, Cifar = 1 };
const NameTable<EncoderStem>& encoderStems();  // imagenet, cifar

// What the encoder does to its [-1, 1] input first: nothing, or ImageNet's per-channel mean and
// standard deviation on [0, 1] pixels (RGB only), the normalisation torchvision's models expect.
enum class InputNorm { None = 0, ImageNet = 1 };
const NameTable<InputNorm>& inputNorms();  // none, imagenet

struct EncoderArch {
  int64_t channels = 1;  // input image channels
  int64_t stages = 4;    // the small ResNet's shape (torchvision's are fixed)
  int64_t blocks = 1;    // basic blocks per stage
  int64_t width = 16;    // channels of the first stage
  EncoderKind kind = EncoderKind::Small;
  EncoderStem stem = EncoderStem::ImageNet;  // torchvision's kinds only
  InputNorm inputNorm = InputNorm::None;

  bool torchvision() const { return kind != EncoderKind::Small; }
  int64_t featureDim() const;
  // Floating-point operations of one forward pass of one height x width image: 2 per
  // multiply-add of every convolution (batch norm, ReLU and pooling are not counted; they
  // are < 1 % here). A training step costs about 3x this (forward, input and weight gradients).
  int64_t forwardFlops(int64_t height, int64_t width) const;
  void validate() const;  // throws std::invalid_argument naming the encoder.* key
  // "ResNet stages 4 blocks 1 width 16" or "torchvision resnet50, imagenet stem".
  std::string describe() const;
  nlohmann::json toJson() const;
  static EncoderArch fromJson(const nlohmann::json& json);
};

// Two 3x3 convs and a shortcut (a 1x1 conv + batch norm where the shape changes), registered as
// `shortcutName`: "shortcut" in genrep's small ResNet (the names its saved encoders have),
// "downsample" in torchvision's.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride, const std::string& shortcutName = "shortcut");
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  SyncBatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Sequential shortcut{nullptr};  // empty when shapes match
};
TORCH_MODULE(BasicBlock);

// torchvision's Bottleneck: 1x1 down to `planes`, 3x3 with the stride, 1x1 up to 4 x planes.
class BottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  BottleneckImpl(int64_t in, int64_t planes, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  SyncBatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Sequential downsample{nullptr};  // empty when shapes match
};
TORCH_MODULE(Bottleneck);

class ResNetEncoderImpl : public torch::nn::Module {
 public:
  explicit ResNetEncoderImpl(const EncoderArch& arch);
  torch::Tensor forward(const torch::Tensor& input);  // [B, C, H, W] in [-1, 1] -> [B, featureDim]
  const EncoderArch& arch() const { return arch_; }

 private:
  void buildTorchvision();
  EncoderArch arch_;
  torch::nn::Sequential body{nullptr};  // the small ResNet: stem, blocks, pooling
  // torchvision's: conv1, bn1, (max-pool), layer1..layer4, pooling
  torch::nn::Conv2d conv1{nullptr};
  SyncBatchNorm2d bn1{nullptr};
  std::vector<torch::nn::Sequential> layers;
};
TORCH_MODULE(ResNetEncoder);

}  // namespace genrep
