// The channels_last guard: for which oneDNN versions it holds, which layers it refuses, and that
// a refused model stays NCHW and computes exactly what it did, while a safe one is switched.
// The answers are the same on every CPU (the hazard set is the union over x86 ISAs), and the
// oneDNN version is given, so these tests are too.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "genrep/runtime/ChannelsLast.h"

namespace genrep {
namespace {

torch::nn::Sequential twoConvs(int64_t in, int64_t shortcutStride) {
  return torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 8, 3).padding(1)),
                               torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 16, 1).stride(shortcutStride)));
}

bool allNchw(torch::nn::Module& module) {
  for (const torch::Tensor& p : module.parameters()) {
    if (p.dim() == 4 && !p.is_contiguous()) return false;
  }
  return true;
}

// The oneDNN of Debian's LibTorch 1.13 and PyTorch 2.11's, both measured with the fault.
const std::optional<OnednnVersion> kFaulty = OnednnVersion{2, 6, 0};
const std::optional<OnednnVersion> kFaulty2x = OnednnVersion{3, 10, 2};

TEST(ChannelsLast, TheGuardHoldsBeforeTheFirstOnednnMeasuredClean) {
  // No version is measured clean yet: the guard holds for every one, known or not.
  EXPECT_TRUE(onednnNeedsChannelsLastGuard(kFaulty));
  EXPECT_TRUE(onednnNeedsChannelsLastGuard(kFaulty2x));
  EXPECT_TRUE(onednnNeedsChannelsLastGuard(OnednnVersion{9, 0, 0}));
  EXPECT_TRUE(onednnNeedsChannelsLastGuard(std::nullopt));
  // Once one is, versions from it on drop the guard and older or unknown ones keep it.
  const std::optional<OnednnVersion> clean = OnednnVersion{3, 11, 0};
  EXPECT_TRUE(onednnNeedsChannelsLastGuard(kFaulty2x, clean));
  EXPECT_FALSE(onednnNeedsChannelsLastGuard(OnednnVersion{3, 11, 0}, clean));
  EXPECT_FALSE(onednnNeedsChannelsLastGuard(OnednnVersion{4, 0, 0}, clean));
  EXPECT_TRUE(onednnNeedsChannelsLastGuard(std::nullopt, clean));
  // LibTorch's own configuration names its oneDNN; genrep reads it at run time.
  const std::optional<OnednnVersion> parsed = parseOnednnVersion("  - Intel(R) MKL-DNN v3.10.2 (Git Hash f1d4719)\n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->major * 10000 + parsed->minor * 100 + parsed->patch, 31002);
  EXPECT_FALSE(parseOnednnVersion("  - OpenMP 201511\n").has_value());
  EXPECT_TRUE(onednnVersion().has_value()) << "the loaded LibTorch names no oneDNN: " << at::show_config();
  const std::optional<std::string> why = channelsLastHazard({{"shortcut", 4, 8, 1, 1, false}}, kFaulty2x);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("oneDNN 3.10.2 writes past"), std::string::npos) << *why;
}

TEST(ChannelsLast, RefusesStridedOneByOneConvolutionsWithFewInputChannels) {
  // With a faulty oneDNN, 1x1 with stride 2: unsafe below 16 input channels (AVX-512's block),
  // whatever this CPU is.
  EXPECT_TRUE(channelsLastHazard({{"shortcut", 4, 8, 1, 1, false}}, kFaulty).has_value());
  EXPECT_TRUE(channelsLastHazard({{"shortcut", 15, 32, 1, 1, false}}, kFaulty).has_value());
  EXPECT_FALSE(channelsLastHazard({{"shortcut", 16, 32, 1, 1, false}}, kFaulty).has_value());
  EXPECT_FALSE(channelsLastHazard({{"projection", 4, 8, 1, 1, true}}, kFaulty).has_value());  // stride 1: no strided copy
  EXPECT_FALSE(channelsLastHazard({{"stem", 1, 16, 3, 3, false}}, kFaulty).has_value());      // 3x3: other kernels
  const std::optional<std::string> why = channelsLastHazard({{"stem", 1, 4, 3, 3, true}, {"body.2.shortcut.0", 4, 8, 1, 1, false}}, kFaulty);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("body.2.shortcut.0"), std::string::npos) << *why;
  EXPECT_NE(why->find("(4 -> 8 channels, 1x1, strided or padded)"), std::string::npos) << *why;
}

TEST(ChannelsLast, ReadsLayersFromModulesAndFromWeights) {
  torch::nn::Sequential model = twoConvs(3, 2);
  const std::vector<ConvLayer> layers = convLayers(*model);
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].name, "0");
  EXPECT_TRUE((layers[0].inChannels == 3 && layers[0].kernelHeight == 3 && !layers[0].unitStride));  // padded
  EXPECT_TRUE((layers[1].inChannels == 8 && layers[1].outChannels == 16 && layers[1].kernelWidth == 1 && !layers[1].unitStride));
  EXPECT_TRUE(convLayers(*twoConvs(3, 1))[1].unitStride);
  // A model known by its weights: a 1x1 weight of unknown stride counts as strided.
  const std::vector<ConvLayer> fromWeights = convLayersFromWeights({{"a.weight", torch::zeros({8, 4, 1, 1})}, {"a.bias", torch::zeros({8})}});
  ASSERT_EQ(fromWeights.size(), 1u);
  const std::optional<std::string> unknown = channelsLastHazard(fromWeights, kFaulty);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_NE(unknown->find("a.weight (4 -> 8 channels, 1x1, stride unknown)"), std::string::npos) << *unknown;
}

TEST(ChannelsLast, ARefusedModelStaysNchwAndASafeOneIsSwitched) {
  torch::manual_seed(1);
  torch::nn::Sequential refused = twoConvs(3, 2);  // the 1x1 has 8 input channels, stride 2
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  const torch::Tensor before = refused->forward(x);
  EXPECT_FALSE(applyChannelsLast(*refused, "test.channels_last", kFaulty));
  EXPECT_TRUE(allNchw(*refused));
  EXPECT_TRUE(torch::equal(refused->forward(x), before));

  torch::nn::Sequential safe = twoConvs(3, 1);
  const torch::Tensor reference = safe->forward(x);
  EXPECT_TRUE(applyChannelsLast(*safe, "test.channels_last", kFaulty));
  for (const torch::Tensor& p : safe->parameters()) {
    if (p.dim() == 4) {
      EXPECT_TRUE(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
  EXPECT_LT((safe->forward(toChannelsLast(x)) - reference).abs().max().item<double>(), 1e-5);
}

}  // namespace
}  // namespace genrep
