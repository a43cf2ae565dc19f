#include "genrep/learn/ResNetEncoder.h"

#include <stdexcept>


namespace genrep {
namespace nn = torch::nn;

namespace {

nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

}  // namespace

void EncoderArch::validate() const {
  if (channels < 1) throw std::invalid_argument("encoder: input channels must be >= 1");
  if (stages < 1 || stages > 6) throw std::invalid_argument("encoder.stages must be in 1..6");
  if (blocks < 1) throw std::invalid_argument("encoder.blocks must be >= 1");
  if (width < 1 || width > 4096) throw std::invalid_argument("encoder.width must be in 1..4096");
}

nlohmann::json EncoderArch::toJson() const {
  return {{"type", "resnet"}, {"channels", channels}, {"stages", stages}, {"blocks", blocks}, {"width", width},
          {"feature_dim", featureDim()}};
}

EncoderArch EncoderArch::fromJson(const nlohmann::json& json) {
  if (json.value("type", "") != "resnet") throw std::invalid_argument("encoder manifest: unknown encoder type");
  EncoderArch arch;
  arch.channels = json.at("channels").get<int64_t>();
  arch.stages = json.at("stages").get<int64_t>();
  arch.blocks = json.at("blocks").get<int64_t>();
  arch.width = json.at("width").get<int64_t>();
  arch.validate();
  return arch;
}

int64_t EncoderArch::forwardFlops(int64_t height, int64_t imageWidth) const {
  const auto conv = [](int64_t in, int64_t out, int64_t kernel, int64_t h, int64_t w) { return 2 * in * out * kernel * kernel * h * w; };
  int64_t h = height, w = imageWidth;
  int64_t flops = conv(channels, width, 3, h, w);  // stem
  int64_t in = width;
  for (int64_t stage = 0; stage < stages; ++stage) {
    const int64_t out = width << stage;
    for (int64_t block = 0; block < blocks; ++block) {
      const bool halve = stage > 0 && block == 0;
      if (halve) {  // 3x3, padding 1, stride 2 (and the 1x1 stride-2 shortcut) give ceil(n / 2)
        h = (h + 1) / 2;
        w = (w + 1) / 2;
      }
      flops += conv(in, out, 3, h, w) + conv(out, out, 3, h, w);
      if (halve || in != out) flops += conv(in, out, 1, h, w);
      in = out;
    }
  }
  return flops;
}

BasicBlockImpl::BasicBlockImpl(int64_t in, int64_t out, int64_t stride)
    : conv1(register_module("conv1", conv3x3(in, out, stride))),
      conv2(register_module("conv2", conv3x3(out, out, 1))),
      bn1(register_module("bn1", SyncBatchNorm2d(out))),
      bn2(register_module("bn2", SyncBatchNorm2d(out))),
      shortcut(register_module("shortcut", nn::Sequential())) {
  if (stride != 1 || in != out) {
    shortcut->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
    shortcut->push_back(SyncBatchNorm2d(out));
  }
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = torch::relu(bn1->forward(conv1->forward(x)));
  h = bn2->forward(conv2->forward(h));
  return torch::relu(h + (shortcut->is_empty() ? x : shortcut->forward(x)));
}

ResNetEncoderImpl::ResNetEncoderImpl(const EncoderArch& arch) : arch_(arch) {
  arch.validate();
  body = nn::Sequential();
  body->push_back(conv3x3(arch.channels, arch.width, 1));
  body->push_back(SyncBatchNorm2d(arch.width));
  body->push_back(nn::Functional(torch::relu));
  int64_t in = arch.width;
  for (int64_t stage = 0; stage < arch.stages; ++stage) {
    const int64_t out = arch.width << stage;
    for (int64_t block = 0; block < arch.blocks; ++block) {
      body->push_back(BasicBlock(in, out, stage > 0 && block == 0 ? 2 : 1));
      in = out;
    }
  }
  body->push_back(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  body->push_back(nn::Flatten());
  register_module("body", body);
}

torch::Tensor ResNetEncoderImpl::forward(const torch::Tensor& x) { return body->forward(x); }

}  // namespace genrep
