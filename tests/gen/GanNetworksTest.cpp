#include "genrep/gen/GanNetworks.h"

#include <gtest/gtest.h>

#include "genrep/runtime/Autocast.h"

namespace genrep {
namespace {

namespace F = torch::nn::functional;

// The generator as written in docs/gan.md: nearest 2x upsampling, then the 3x3 convolution. The
// network computes each upsampling convolution by its four phases instead (GanNetworks.cpp).
torch::Tensor upsampledThenConvolved(GanGeneratorNetImpl& g, const torch::Tensor& z, const torch::Tensor& y) {
  const auto up = [](const torch::Tensor& x) {
    return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
  };
  const auto children = g.named_children();
  const auto conv = [&](const char* name, const torch::Tensor& x) { return children[name]->as<torch::nn::Conv2d>()->forward(x); };
  const auto bn = [&](const char* name, const torch::Tensor& x) { return children[name]->as<ConditionalBatchNorm>()->forward(x, y); };
  const int64_t w = g.arch.widthG;
  torch::Tensor h = children["project"]->as<torch::nn::Linear>()->forward(z).view({z.size(0), 4 * w, g.arch.height / 4, g.arch.width / 4});
  h = conv("conv1", up(torch::relu(bn("bn1", h))));
  h = conv("conv2", up(torch::relu(bn("bn2", h))));
  return torch::tanh(conv("to_image", torch::relu(bn("bn3", h))));
}

class GanGeneratorForward : public ::testing::TestWithParam<GanArchitecture> {};

// The same images and the same gradients as upsampling then convolving, in training mode
// (batch statistics) and in eval mode, conditional and not, grey and RGB, square and not. In
// double precision, so that what is left is the order of the sums, far below any real error.
TEST_P(GanGeneratorForward, EqualsUpsamplingThenConvolving) {
  torch::manual_seed(3);
  GanGeneratorNet g(GetParam());
  g->to(torch::kFloat64);
  const torch::Tensor z = torch::randn({6, GetParam().latentDim}, torch::kFloat64);
  const torch::Tensor y = GetParam().classes > 0 ? torch::arange(6, torch::kInt64) % GetParam().classes : torch::Tensor();
  for (const bool training : {true, false}) {
    g->train(training);
    const torch::Tensor phases = g->forward(z, y), direct = upsampledThenConvolved(*g, z, y);
    ASSERT_EQ(phases.sizes(), direct.sizes());
    EXPECT_LT((phases - direct).abs().max().item<double>(), 1e-12) << (training ? "training" : "eval");
    const torch::Tensor target = torch::randn_like(direct);
    const auto gradients = [&](const torch::Tensor& out) {
      g->zero_grad();
      (out - target).square().sum().backward();
      std::vector<torch::Tensor> grads;
      for (const auto& p : g->parameters()) grads.push_back(p.grad().clone());
      return grads;
    };
    const std::vector<torch::Tensor> a = gradients(phases), b = gradients(direct);
    for (size_t i = 0; i < a.size(); ++i) {
      const double scale = std::max(1.0, b[i].abs().max().item<double>());
      EXPECT_LT((a[i] - b[i]).abs().max().item<double>() / scale, 1e-10) << "parameter " << i << (training ? " training" : " eval");
    }
  }
}

// Sampling (eval mode, gradients off) takes the fused inference path: each batch norm as one
// affine map applied while the phases are interleaved. The same images as the plain
// formula, with running statistics, gains and biases away from their initial values.
TEST_P(GanGeneratorForward, SamplingEqualsUpsamplingThenConvolving) {
  torch::manual_seed(4);
  GanGeneratorNet g(GetParam());
  g->to(torch::kFloat64);
  g->eval();
  torch::NoGradGuard noGrad;
  for (const auto& item : g->named_buffers()) {
    if (item.key().find("running_mean") != std::string::npos) item.value().uniform_(-1, 1);
    if (item.key().find("running_var") != std::string::npos) item.value().uniform_(0.25, 4);
  }
  for (const auto& item : g->named_parameters()) {
    if (item.key().find("bn") != std::string::npos) item.value().uniform_(-2, 2);
  }
  const torch::Tensor z = torch::randn({6, GetParam().latentDim}, torch::kFloat64);
  const torch::Tensor y = GetParam().classes > 0 ? torch::arange(6, torch::kInt64) % GetParam().classes : torch::Tensor();
  const torch::Tensor sampled = g->forward(z, y), direct = upsampledThenConvolved(*g, z, y);
  ASSERT_EQ(sampled.sizes(), direct.sizes());
  EXPECT_LT((sampled - direct).abs().max().item<double>(), 1e-12);
  EXPECT_GT(direct.std().item<double>(), 0.05);  // not a saturated or constant image
}

// Under bf16 autocast (the generator's `views.generator_precision=bf16`) the convolutions give bf16 and
// the batch norms' maps are float32 parameters: sampling still runs and stays within bf16's
// rounding of the float32 images (bf16 keeps 8 bits of mantissa: about 0.4 % per rounding).
TEST_P(GanGeneratorForward, SamplingRunsUnderBf16Autocast) {
  if (usablePrecision(Precision::BFloat16, torch::kCPU, "views.generator_precision") != Precision::BFloat16) {
    GTEST_SKIP() << "no bf16 convolutions on this CPU";
  }
  torch::manual_seed(5);
  GanGeneratorNet g(GetParam());
  g->eval();
  torch::NoGradGuard noGrad;
  const torch::Tensor z = torch::randn({6, GetParam().latentDim});
  const torch::Tensor y = GetParam().classes > 0 ? torch::arange(6, torch::kInt64) % GetParam().classes : torch::Tensor();
  const torch::Tensor full = g->forward(z, y);
  torch::Tensor reduced;
  {
    AutocastScope scope(Precision::BFloat16, torch::kCPU);
    reduced = g->forward(z, y);
  }
  ASSERT_EQ(reduced.sizes(), full.sizes());
  EXPECT_LT((reduced.to(torch::kFloat32) - full).abs().max().item<double>(), 0.01);  // 1.5-1.9e-3 measured
}

GanArchitecture arch(int64_t classes, int64_t channels, int64_t height, int64_t width) {
  GanArchitecture a;
  a.latentDim = 8;
  a.classes = classes;
  a.channels = channels;
  a.height = height;
  a.width = width;
  a.widthG = 6;
  a.widthD = 4;
  return a;
}

INSTANTIATE_TEST_SUITE_P(Shapes, GanGeneratorForward,
                         ::testing::Values(arch(3, 1, 28, 28), arch(0, 1, 28, 28), arch(0, 3, 32, 32), arch(2, 3, 16, 24)));

}  // namespace
}  // namespace genrep
