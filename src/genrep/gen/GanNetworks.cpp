#include "genrep/gen/GanNetworks.h"

#include <array>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace genrep {
namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d conv3x3(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

// conv(upsample2x(x)) for a 3x3 convolution with padding 1 and 2x nearest upsampling, without
// the upsampled tensor. An output pixel of row parity a and column parity b sees a 2x2 window
// of x in which upsampling repeated pixels, so the 3x3 kernel's repeated taps are summed: along
// rows, a = 0 reads rows i-1, i with taps (k0, k1 + k2) and a = 1 rows i, i+1 with (k0 + k1, k2),
// and columns alike. The four phases' 2x2 kernels are one convolution with 4 x O outputs over x
// padded by 1, whose phase (a, b) sits at offset (a, b): 4 multiply-adds per output pixel and
// input channel instead of 9, the same values up to the order of the sums (docs/gan.md, "The
// generator's forward").
class UpsampledConvolution {
 public:
  UpsampledConvolution(const torch::Tensor& x, const torch::nn::Conv2d& conv)  // x [B, I, h, w]
      : out_(conv->weight.size(0)), height_(x.size(2)), width_(x.size(3)) {
    const torch::Tensor& k = conv->weight;  // [O, I, 3, 3]
    const auto fold = [](const torch::Tensor& t, int64_t dim) {  // three taps along dim -> each parity's two
      const torch::Tensor t0 = t.narrow(dim, 0, 1), t1 = t.narrow(dim, 1, 1), t2 = t.narrow(dim, 2, 1);
      return std::array<torch::Tensor, 2>{torch::cat({t0, t1 + t2}, dim), torch::cat({t0 + t1, t2}, dim)};
    };
    std::vector<torch::Tensor> kernels;  // phase 2a + b: [O, I, 2, 2]
    for (const torch::Tensor& rows : fold(k, 2)) {
      for (const torch::Tensor& both : fold(rows, 3)) kernels.push_back(both);
    }
    phases_ = F::conv2d(x, torch::cat(kernels, 0), F::Conv2dFuncOptions().bias(conv->bias.repeat(4)).padding(1));  // [B, 4O, h+1, w+1]
  }

  // The output, differentiable: [B, O, 2h, 2w].
  torch::Tensor interleaved() const {
    std::vector<torch::Tensor> parts;  // phase 2a + b: [B, O, h, w]
    for (int64_t a = 0; a < 2; ++a) {
      for (int64_t b = 0; b < 2; ++b) parts.push_back(phase(a, b));
    }
    // [B, O, 4, h, w] -> out[:, :, 2i + a, 2j + b] = parts[2a + b][:, :, i, j]
    return F::pixel_shuffle(torch::stack(parts, 2).flatten(1, 2), 2);
  }

  // relu(output * scale + shift), scale and shift [B or 1, O, 1, 1], without autograd: each
  // phase is scaled straight into its interleaved place, so the output is written once and
  // the rectifier runs in place (two passes over it instead of the six of stack, shuffle,
  // batch norm, gain, bias and ReLU).
  torch::Tensor interleavedAffineRelu(const torch::Tensor& scale, const torch::Tensor& shift) const {
    const int64_t batch = phases_.size(0);
    torch::Tensor out = torch::empty({batch, out_, height_, 2, width_, 2}, phases_.options());  // [B, O, h, 2, w, 2]
    // In the phases' precision: under bf16 autocast an out= kernel takes no mixed types.
    const torch::Tensor phaseScale = scale.to(phases_.scalar_type()), phaseShift = shift.to(phases_.scalar_type());
    for (int64_t a = 0; a < 2; ++a) {
      for (int64_t b = 0; b < 2; ++b) {
        torch::Tensor place = out.select(5, b).select(3, a);  // [B, O, h, w], strided into out
        torch::addcmul_out(place, phaseShift, phase(a, b), phaseScale);
      }
    }
    return out.view({batch, out_, 2 * height_, 2 * width_}).relu_();
  }

 private:
  torch::Tensor phase(int64_t a, int64_t b) const {  // [B, O, h, w]
    return phases_.narrow(1, (2 * a + b) * out_, out_).narrow(2, a, height_).narrow(3, b, width_);
  }

  torch::Tensor phases_;  // [B, 4O, h+1, w+1]
  int64_t out_, height_, width_;
};

}  // namespace

void GanArchitecture::validate() const {
  const auto require = [](bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument("GAN architecture: " + message);
  };
  require(latentDim > 0, fmt::format("latent_dim is {}, must be positive", latentDim));
  require(classes >= 0, fmt::format("classes is {}, must be >= 0", classes));
  require(channels == 1 || channels == 3, fmt::format("channels is {}, must be 1 or 3", channels));
  require(height >= 8 && width >= 8 && height % 4 == 0 && width % 4 == 0,
          fmt::format("image {}x{}: height and width must be multiples of 4 and at least 8", width, height));
  require(widthG > 0 && widthD > 0, "widths must be positive");
}

nlohmann::json GanArchitecture::toJson() const {
  return {{"latent_dim", latentDim}, {"classes", classes}, {"channels", channels}, {"height", height},
          {"width", width},          {"width_g", widthG},  {"width_d", widthD}};
}

GanArchitecture GanArchitecture::fromJson(const nlohmann::json& json) {
  GanArchitecture arch;
  try {
    arch.latentDim = json.at("latent_dim").get<int64_t>();
    arch.classes = json.at("classes").get<int64_t>();
    arch.channels = json.at("channels").get<int64_t>();
    arch.height = json.at("height").get<int64_t>();
    arch.width = json.at("width").get<int64_t>();
    arch.widthG = json.at("width_g").get<int64_t>();
    arch.widthD = json.at("width_d").get<int64_t>();
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(fmt::format("GAN architecture: {}", error.what()));
  }
  arch.validate();
  return arch;
}

GanGeneratorNetImpl::GanGeneratorNetImpl(const GanArchitecture& arch_) : arch(arch_) {
  arch.validate();
  const int64_t w = arch.widthG;
  project = register_module("project", torch::nn::Linear(arch.latentDim, 4 * w * (arch.height / 4) * (arch.width / 4)));
  bn1 = register_module("bn1", ConditionalBatchNorm(4 * w, arch.classes));
  conv1 = register_module("conv1", conv3x3(4 * w, 2 * w));
  bn2 = register_module("bn2", ConditionalBatchNorm(2 * w, arch.classes));
  conv2 = register_module("conv2", conv3x3(2 * w, w));
  bn3 = register_module("bn3", ConditionalBatchNorm(w, arch.classes));
  toImage = register_module("to_image", conv3x3(w, arch.channels));
}

torch::Tensor GanGeneratorNetImpl::forward(const torch::Tensor& z, const torch::Tensor& y) {
  if (!is_training() && !torch::GradMode::is_enabled()) return sample(z, y);
  const int64_t w = arch.widthG;
  torch::Tensor h = project(z).view({z.size(0), 4 * w, arch.height / 4, arch.width / 4});  // [B, 4w, H/4, W/4]
  h = UpsampledConvolution(torch::relu(bn1(h, y)), conv1).interleaved();                    // [B, 2w, H/2, W/2]
  h = UpsampledConvolution(torch::relu(bn2(h, y)), conv2).interleaved();                    // [B, w, H, W]
  return torch::tanh(toImage(torch::relu(bn3(h, y))));                                       // [B, C, H, W]
}

// The same function in eval mode without gradients (every view the studies train on): each
// batch norm is its running statistics and class gain as one affine map, applied in the pass
// that interleaves the convolution's phases: the passes over the activations it saves are bound
// by memory bandwidth, 1.5x faster sampling at 28 px and 3-4x at 128 px (docs/gan.md).
torch::Tensor GanGeneratorNetImpl::sample(const torch::Tensor& z, const torch::Tensor& y) {
  const int64_t w = arch.widthG;
  torch::Tensor h = project(z).view({z.size(0), 4 * w, arch.height / 4, arch.width / 4});  // [B, 4w, H/4, W/4]
  auto [scale, shift] = bn1->evalAffine(y);
  h = torch::addcmul(shift.to(h.scalar_type()), h, scale.to(h.scalar_type())).relu_();
  std::tie(scale, shift) = bn2->evalAffine(y);
  h = UpsampledConvolution(h, conv1).interleavedAffineRelu(scale, shift);  // [B, 2w, H/2, W/2]
  std::tie(scale, shift) = bn3->evalAffine(y);
  h = UpsampledConvolution(h, conv2).interleavedAffineRelu(scale, shift);  // [B, w, H, W]
  return toImage(h).tanh_();                                               // [B, C, H, W]
}

GanDiscriminatorNetImpl::GanDiscriminatorNetImpl(const GanArchitecture& arch_) : arch(arch_) {
  arch.validate();
  const int64_t w = arch.widthD;
  convs = register_module("convs", torch::nn::ModuleList());
  convs->push_back(SNConv2d(SNConv2dOptions(arch.channels, w, 3).padding(1)));    // H
  convs->push_back(SNConv2d(SNConv2dOptions(w, 2 * w, 4).stride(2).padding(1)));  // H/2
  convs->push_back(SNConv2d(SNConv2dOptions(2 * w, 2 * w, 3).padding(1)));
  convs->push_back(SNConv2d(SNConv2dOptions(2 * w, 4 * w, 4).stride(2).padding(1)));  // H/4
  convs->push_back(SNConv2d(SNConv2dOptions(4 * w, 4 * w, 3).padding(1)));
  score = register_module("score", SNLinear(4 * w, 1));
  if (arch.classes > 0) {
    embed = register_module("embed", SNEmbedding(arch.classes, 4 * w));
    classify = register_module("classify", SNLinear(4 * w, arch.classes));
  }
}

std::tuple<torch::Tensor, torch::Tensor> GanDiscriminatorNetImpl::forward(const torch::Tensor& x, const torch::Tensor& y) {
  torch::Tensor h = x;
  for (const auto& conv : *convs) h = F::leaky_relu(conv->as<SNConv2d>()->forward(h), F::LeakyReLUFuncOptions().negative_slope(0.1));
  h = h.sum({2, 3});                                  // [B, 4w]
  torch::Tensor out = score(h).squeeze(1);            // [B]
  torch::Tensor logits;
  if (arch.classes > 0) {
    out = out + (embed(y) * h).sum(1);
    logits = classify(h);                             // [B, classes]
  }
  return {out, logits};
}

int64_t parameterCount(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace genrep
