#include "genrep/learn/ResNetEncoder.h"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>


namespace genrep {
namespace nn = torch::nn;

namespace {

nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}
nn::Conv2d conv1x1(int64_t in, int64_t out, int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false));
}

// torchvision's stage widths and block counts.
constexpr int64_t kStageWidths[4] = {64, 128, 256, 512};
std::vector<int64_t> blocksPerStage(EncoderKind kind) {
  return kind == EncoderKind::ResNet18 ? std::vector<int64_t>{2, 2, 2, 2} : std::vector<int64_t>{3, 4, 6, 3};
}
int64_t halved(int64_t n) { return (n + 1) / 2; }  // a stride-2 conv or pool with "same" padding: ceil(n / 2)

}  // namespace

const NameTable<EncoderKind>& encoderKinds() {
  static const NameTable<EncoderKind> kinds = {
      {EncoderKind::Small, "resnet"}, {EncoderKind::ResNet18, "resnet18"}, {EncoderKind::ResNet34, "resnet34"}, {EncoderKind::ResNet50, "resnet50"}};
  return kinds;
}

const NameTable<EncoderStem>& encoderStems() {
  static const NameTable<EncoderStem> stems = {{EncoderStem::ImageNet, "imagenet"}, {EncoderStem::Cifar, "cifar"}};
  return stems;
}

const NameTable<InputNorm>& inputNorms() {
  static const NameTable<InputNorm> norms = {{InputNorm::None, "none"}, {InputNorm::ImageNet, "imagenet"}};
  return norms;
}

int64_t EncoderArch::featureDim() const {
  if (kind == EncoderKind::ResNet50) return kStageWidths[3] * BottleneckImpl::kExpansion;
  return torchvision() ? kStageWidths[3] : width << (stages - 1);
}

void EncoderArch::validate() const {
  if (channels < 1) throw std::invalid_argument("encoder: input channels must be >= 1");
  if (torchvision()) return;  // a fixed shape
  if (stages < 1 || stages > 6) throw std::invalid_argument("encoder.stages must be in 1..6");
  if (blocks < 1) throw std::invalid_argument("encoder.blocks must be >= 1");
  if (width < 1 || width > 4096) throw std::invalid_argument("encoder.width must be in 1..4096");
}

std::string EncoderArch::describe() const {
  const std::string norm = inputNorm == InputNorm::ImageNet ? ", ImageNet normalisation" : "";
  if (torchvision()) return fmt::format("torchvision {}, {} stem{}", *nameOf(encoderKinds(), kind), *nameOf(encoderStems(), stem), norm);
  return fmt::format("ResNet stages {} blocks {} width {}{}", stages, blocks, width, norm);
}

nlohmann::json EncoderArch::toJson() const {
  nlohmann::json json = torchvision() ? nlohmann::json{{"type", *nameOf(encoderKinds(), kind)}, {"channels", channels},
                                                       {"stem", *nameOf(encoderStems(), stem)}, {"feature_dim", featureDim()}}
                                      : nlohmann::json{{"type", "resnet"}, {"channels", channels}, {"stages", stages},
                                                       {"blocks", blocks}, {"width", width}, {"feature_dim", featureDim()}};
  if (inputNorm != InputNorm::None) json["input_norm"] = *nameOf(inputNorms(), inputNorm);  // manifests before it have none
  return json;
}

EncoderArch EncoderArch::fromJson(const nlohmann::json& json) {
  const std::optional<EncoderKind> kind = valueNamed(encoderKinds(), json.value("type", ""));
  if (!kind) throw std::invalid_argument(fmt::format("encoder manifest: unknown encoder type '{}'", json.value("type", "")));
  EncoderArch arch;
  arch.kind = *kind;
  arch.channels = json.at("channels").get<int64_t>();
  const std::optional<InputNorm> norm = valueNamed(inputNorms(), json.value("input_norm", "none"));
  if (!norm) throw std::invalid_argument(fmt::format("encoder manifest: unknown input_norm '{}'", json.value("input_norm", "")));
  arch.inputNorm = *norm;
  if (arch.torchvision()) {
    const std::optional<EncoderStem> stem = valueNamed(encoderStems(), json.value("stem", ""));
    if (!stem) throw std::invalid_argument(fmt::format("encoder manifest: unknown stem '{}'", json.value("stem", "")));
    arch.stem = *stem;
  } else {
    arch.stages = json.at("stages").get<int64_t>();
    arch.blocks = json.at("blocks").get<int64_t>();
    arch.width = json.at("width").get<int64_t>();
  }
  arch.validate();
  return arch;
}

int64_t EncoderArch::forwardFlops(int64_t height, int64_t imageWidth) const {
  const auto conv = [](int64_t in, int64_t out, int64_t kernel, int64_t h, int64_t w) { return 2 * in * out * kernel * kernel * h * w; };
  int64_t h = height, w = imageWidth;
  if (torchvision()) {
    int64_t flops = 0;
    if (stem == EncoderStem::ImageNet) {
      h = halved(h), w = halved(w);
      flops += conv(channels, kStageWidths[0], 7, h, w);
      h = halved(h), w = halved(w);  // max-pool
    } else {
      flops += conv(channels, kStageWidths[0], 3, h, w);
    }
    int64_t in = kStageWidths[0];
    const std::vector<int64_t> counts = blocksPerStage(kind);
    for (int64_t stage = 0; stage < 4; ++stage) {
      const int64_t planes = kStageWidths[stage];
      for (int64_t block = 0; block < counts[static_cast<size_t>(stage)]; ++block) {
        const bool halve = stage > 0 && block == 0;
        const int64_t inH = h, inW = w;
        if (halve) h = halved(h), w = halved(w);
        if (kind == EncoderKind::ResNet50) {
          const int64_t out = planes * BottleneckImpl::kExpansion;
          flops += conv(in, planes, 1, inH, inW) + conv(planes, planes, 3, h, w) + conv(planes, out, 1, h, w);
          if (halve || in != out) flops += conv(in, out, 1, h, w);
          in = out;
        } else {
          flops += conv(in, planes, 3, h, w) + conv(planes, planes, 3, h, w);
          if (halve || in != planes) flops += conv(in, planes, 1, h, w);
          in = planes;
        }
      }
    }
    return flops;
  }
  int64_t flops = conv(channels, width, 3, h, w);  // stem
  int64_t in = width;
  for (int64_t stage = 0; stage < stages; ++stage) {
    const int64_t out = width << stage;
    for (int64_t block = 0; block < blocks; ++block) {
      const bool halve = stage > 0 && block == 0;
      if (halve) {  // 3x3, padding 1, stride 2 (and the 1x1 stride-2 shortcut) give ceil(n / 2)
        h = halved(h);
        w = halved(w);
      }
      flops += conv(in, out, 3, h, w) + conv(out, out, 3, h, w);
      if (halve || in != out) flops += conv(in, out, 1, h, w);
      in = out;
    }
  }
  return flops;
}

BasicBlockImpl::BasicBlockImpl(int64_t in, int64_t out, int64_t stride, const std::string& shortcutName)
    : conv1(register_module("conv1", conv3x3(in, out, stride))),
      conv2(register_module("conv2", conv3x3(out, out, 1))),
      bn1(register_module("bn1", SyncBatchNorm2d(out))),
      bn2(register_module("bn2", SyncBatchNorm2d(out))),
      shortcut(register_module(shortcutName, nn::Sequential())) {
  if (stride != 1 || in != out) {
    shortcut->push_back(conv1x1(in, out, stride));
    shortcut->push_back(SyncBatchNorm2d(out));
  }
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = torch::relu(bn1->forward(conv1->forward(x)));
  h = bn2->forward(conv2->forward(h));
  return torch::relu(h + (shortcut->is_empty() ? x : shortcut->forward(x)));
}

BottleneckImpl::BottleneckImpl(int64_t in, int64_t planes, int64_t stride)
    : conv1(register_module("conv1", conv1x1(in, planes, 1))),
      conv2(register_module("conv2", conv3x3(planes, planes, stride))),
      conv3(register_module("conv3", conv1x1(planes, planes * kExpansion, 1))),
      bn1(register_module("bn1", SyncBatchNorm2d(planes))),
      bn2(register_module("bn2", SyncBatchNorm2d(planes))),
      bn3(register_module("bn3", SyncBatchNorm2d(planes * kExpansion))),
      downsample(register_module("downsample", nn::Sequential())) {
  if (stride != 1 || in != planes * kExpansion) {
    downsample->push_back(conv1x1(in, planes * kExpansion, stride));
    downsample->push_back(SyncBatchNorm2d(planes * kExpansion));
  }
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = torch::relu(bn1->forward(conv1->forward(x)));
  h = torch::relu(bn2->forward(conv2->forward(h)));
  h = bn3->forward(conv3->forward(h));
  return torch::relu(h + (downsample->is_empty() ? x : downsample->forward(x)));
}

// torchvision.models.resnet.ResNet's modules under its names (conv1, bn1, layer1..layer4; no fc:
// the features are what genrep evaluates) and its initialisation: Kaiming normal (fan_out, ReLU)
// for convolutions, batch-norm weight 1 and bias 0.
void ResNetEncoderImpl::buildTorchvision() {
  const bool imagenet = arch_.stem == EncoderStem::ImageNet;
  conv1 = register_module("conv1", imagenet ? nn::Conv2d(nn::Conv2dOptions(arch_.channels, kStageWidths[0], 7).stride(2).padding(3).bias(false))
                                            : conv3x3(arch_.channels, kStageWidths[0], 1));
  bn1 = register_module("bn1", SyncBatchNorm2d(kStageWidths[0]));
  int64_t in = kStageWidths[0];
  const std::vector<int64_t> counts = blocksPerStage(arch_.kind);
  for (int64_t stage = 0; stage < 4; ++stage) {
    nn::Sequential layer;
    const int64_t planes = kStageWidths[stage];
    for (int64_t block = 0; block < counts[static_cast<size_t>(stage)]; ++block) {
      const int64_t stride = stage > 0 && block == 0 ? 2 : 1;
      if (arch_.kind == EncoderKind::ResNet50) {
        layer->push_back(Bottleneck(in, planes, stride));
        in = planes * BottleneckImpl::kExpansion;
      } else {
        layer->push_back(BasicBlock(in, planes, stride, "downsample"));
        in = planes;
      }
    }
    layers.push_back(register_module(fmt::format("layer{}", stage + 1), layer));
  }
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<nn::Conv2d>()) {
      torch::NoGradGuard noGrad;
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    }
  }
}

ResNetEncoderImpl::ResNetEncoderImpl(const EncoderArch& arch) : arch_(arch) {
  arch.validate();
  // Checked here, where the images' channel count is known (a config check has none yet).
  if (arch.inputNorm == InputNorm::ImageNet && arch.channels != 3) {
    throw std::invalid_argument(fmt::format("encoder.input_norm=imagenet needs RGB images; these have {} channel(s)", arch.channels));
  }
  if (arch.torchvision()) {
    buildTorchvision();
    return;
  }
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

torch::Tensor ResNetEncoderImpl::forward(const torch::Tensor& input) {
  torch::Tensor x = input;
  if (arch_.inputNorm == InputNorm::ImageNet) {  // constants, not buffers: the saved weights stay torchvision's
    const torch::Tensor mean = torch::tensor({0.485, 0.456, 0.406}, x.options()).view({1, 3, 1, 1});
    const torch::Tensor std = torch::tensor({0.229, 0.224, 0.225}, x.options()).view({1, 3, 1, 1});
    x = ((x + 1) * 0.5 - mean) / std;
  }
  if (!arch_.torchvision()) return body->forward(x);
  torch::Tensor h = torch::relu(bn1->forward(conv1->forward(x)));
  if (arch_.stem == EncoderStem::ImageNet) h = torch::max_pool2d(h, 3, 2, 1);
  for (nn::Sequential& layer : layers) h = layer->forward(h);
  return torch::adaptive_avg_pool2d(h, {1, 1}).flatten(1);
}

}  // namespace genrep
