#pragma once
// The channels_last (NHWC) memory layout, which oneDNN's convolutions prefer on some CPUs and
// cuDNN's tensor cores on GPUs. Values and names are unchanged, only the strides differ: a
// model switched over computes the same function (to float rounding).
//
// On x86 CPUs, oneDNN 2.6 (Debian's LibTorch 1.13) has a kernel that corrupts memory in this
// layout: the 1x1 convolution's backward-weights pass with a stride (its "reduce to unit
// stride" copy) writes past its buffer when the layer has fewer input channels than the
// kernel's channel block (8 with AVX2, 16 with AVX-512), and hangs or returns wrong gradients
// on some machines (measured, with the upstream report, in docs/benchmark.md, "channels_last
// and bf16 on x86 CPUs"); oneDNN 3.10.2 (PyTorch 2.11) still does. With such a oneDNN (any
// before the first version measured clean, read at run time) a model is switched only when
// none of its layers is in that set, on every CPU alike; otherwise it stays NCHW and one
// warning says so.
//
//   bool nhwc = applyChannelsLast(*encoder, "learn.channels_last");  // false: kept NCHW
//   torch::Tensor x = nhwc ? toChannelsLast(views) : views.contiguous();
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "genrep/runtime/Runtime.h"

namespace genrep {

// The first oneDNN measured free of the fault (docs/benchmark.md), from which on the guard is
// off. None yet: oneDNN 2.6 (LibTorch 1.13) and 3.10.2 (PyTorch 2.11) both have it.
inline constexpr std::optional<OnednnVersion> kOnednnChannelsLastClean = std::nullopt;
// Whether a LibTorch with this oneDNN needs the guard: older than `firstClean` (or no version
// measured clean), or of unknown version.
bool onednnNeedsChannelsLastGuard(const std::optional<OnednnVersion>& onednn,
                                  const std::optional<OnednnVersion>& firstClean = kOnednnChannelsLastClean);

// A convolution as the hazard check sees it.
struct ConvLayer {
  std::string name;
  int64_t inChannels = 0;
  int64_t outChannels = 0;
  int64_t kernelHeight = 0;
  int64_t kernelWidth = 0;
  bool unitStride = false;  // stride 1 and no padding; false also when unknown
  bool strideKnown = true;
};

// The convolutions of a module (Conv2d layers, with their strides), and of a model known only
// by its weights (any 4-D tensor [out, in, kh, kw]; strides unknown, so counted as strided).
std::vector<ConvLayer> convLayers(torch::nn::Module& module);
std::vector<ConvLayer> convLayersFromWeights(const std::vector<std::pair<std::string, torch::Tensor>>& weights);

// Why channels_last is unsafe for these layers on a CPU with this oneDNN (by default the loaded
// LibTorch's), naming the first such layer, or nothing when it is safe. The same answer on
// every CPU: the set is the union over x86 ISAs.
std::optional<std::string> channelsLastHazard(const std::vector<ConvLayer>& layers,
                                              const std::optional<OnednnVersion>& onednn = onednnVersion());

// Switches a module's 4-D parameters and buffers to channels_last, unless it runs on the CPU
// and channelsLastHazard finds a layer: then nothing changes and one warning names `setting`,
// the layer and the reason. Returns whether the layout was switched.
bool applyChannelsLast(torch::nn::Module& module, const std::string& setting,
                       const std::optional<OnednnVersion>& onednn = onednnVersion());
// The same for a model given as its convolutions and its tensors (a TorchScript module).
bool applyChannelsLast(const std::vector<ConvLayer>& layers, const std::vector<torch::Tensor>& tensors, const std::string& setting,
                       const std::optional<OnednnVersion>& onednn = onednnVersion());

torch::Tensor toChannelsLast(const torch::Tensor& images);  // 4-D; other tensors unchanged

}  // namespace genrep
