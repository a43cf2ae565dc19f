#include "genrep/runtime/ChannelsLast.h"

#include <variant>

#include <fmt/format.h>

#include "genrep/core/Warning.h"

namespace genrep {
namespace {

// The widest channel block of oneDNN's x64 1x1 backward-weights kernels (AVX-512's 16 floats;
// 2.6 and 3.10); AVX2's 8 is inside it. Layers with at least this many input channels measured safe
// on AVX2, AVX-512 and AMX (docs/benchmark.md).
constexpr int64_t kSafeInputChannels = 16;

// In place: set_data keeps each tensor the same object, so optimisers built before or after
// this call hold the converted ones.
void switchLayout(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard noGrad;
  for (torch::Tensor tensor : tensors) {
    if (tensor.dim() == 4) tensor.set_data(tensor.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

bool onCpu(const std::vector<torch::Tensor>& tensors) {
  for (const torch::Tensor& t : tensors) {
    if (t.defined()) return t.device().is_cpu();
  }
  return true;
}

}  // namespace

std::vector<ConvLayer> convLayers(torch::nn::Module& module) {
  std::vector<ConvLayer> layers;
  for (const auto& item : module.named_modules()) {
    const auto* conv = dynamic_cast<const torch::nn::Conv2dImpl*>(item.value().get());
    if (!conv) continue;
    const auto& o = conv->options;
    const auto kernel = *o.kernel_size();
    const auto stride = *o.stride();
    bool padded = true;  // "same" and "valid" padding count as padded: the safe side
    if (const auto* padding = std::get_if<torch::ExpandingArray<2>>(&o.padding())) padded = (**padding)[0] != 0 || (**padding)[1] != 0;
    layers.push_back({item.key(), o.in_channels(), o.out_channels(), kernel[0], kernel[1], stride[0] == 1 && stride[1] == 1 && !padded});
  }
  return layers;
}

std::vector<ConvLayer> convLayersFromWeights(const std::vector<std::pair<std::string, torch::Tensor>>& weights) {
  std::vector<ConvLayer> layers;
  for (const auto& [name, w] : weights) {
    if (w.dim() == 4) layers.push_back({name, w.size(1), w.size(0), w.size(2), w.size(3), false, false});
  }
  return layers;
}

bool onednnNeedsChannelsLastGuard(const std::optional<OnednnVersion>& onednn, const std::optional<OnednnVersion>& firstClean) {
  return !onednn || !firstClean || *onednn < *firstClean;
}

std::optional<std::string> channelsLastHazard(const std::vector<ConvLayer>& layers, const std::optional<OnednnVersion>& onednn) {
  if (!onednnNeedsChannelsLastGuard(onednn)) return std::nullopt;
  for (const ConvLayer& l : layers) {
    if (l.kernelHeight == 1 && l.kernelWidth == 1 && !l.unitStride && l.inChannels < kSafeInputChannels) {
      return fmt::format(
          "its layer {} ({} -> {} channels, 1x1, {}) is one where the channels_last backward-weights kernel of oneDNN {} "
          "writes past its buffer on x86 CPUs: a strided 1x1 convolution with fewer than {} input channels (docs/benchmark.md)",
          l.name.empty() ? std::string("(the model itself)") : l.name, l.inChannels, l.outChannels,
          l.strideKnown ? "strided or padded" : "stride unknown",
          onednn ? onednn->name() : std::string("(version unknown)"),
          kSafeInputChannels);
    }
  }
  return std::nullopt;
}

bool applyChannelsLast(const std::vector<ConvLayer>& layers, const std::vector<torch::Tensor>& tensors, const std::string& setting,
                       const std::optional<OnednnVersion>& onednn) {
  if (onCpu(tensors)) {
    if (const std::optional<std::string> hazard = channelsLastHazard(layers, onednn)) {
      warnOnce(fmt::format("{} was not applied: the model stays NCHW because {}", setting, *hazard));
      return false;
    }
  }
  switchLayout(tensors);
  return true;
}

bool applyChannelsLast(torch::nn::Module& module, const std::string& setting, const std::optional<OnednnVersion>& onednn) {
  std::vector<torch::Tensor> tensors = module.parameters();
  for (const torch::Tensor& b : module.buffers()) tensors.push_back(b);
  return applyChannelsLast(convLayers(module), tensors, setting, onednn);
}

torch::Tensor toChannelsLast(const torch::Tensor& images) {
  return images.dim() == 4 ? images.contiguous(torch::MemoryFormat::ChannelsLast) : images;
}

}  // namespace genrep
