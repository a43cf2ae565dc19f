// The channels_last guard: which layers it refuses, and that a refused model stays NCHW and
// computes exactly what it did, while a safe one is switched. The answers are the same on
// every CPU (the hazard set is the union over x86 ISAs), so these tests are too.
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

TEST(ChannelsLast, RefusesStridedOneByOneConvolutionsWithFewInputChannels) {
  // 1x1 with stride 2: unsafe below 16 input channels (AVX-512's block), whatever this CPU is.
  EXPECT_TRUE(channelsLastHazard({{"shortcut", 4, 8, 1, 1, false}}).has_value());
  EXPECT_TRUE(channelsLastHazard({{"shortcut", 15, 32, 1, 1, false}}).has_value());
  EXPECT_FALSE(channelsLastHazard({{"shortcut", 16, 32, 1, 1, false}}).has_value());
  EXPECT_FALSE(channelsLastHazard({{"projection", 4, 8, 1, 1, true}}).has_value());  // stride 1: no strided copy
  EXPECT_FALSE(channelsLastHazard({{"stem", 1, 16, 3, 3, false}}).has_value());      // 3x3: other kernels
  const std::optional<std::string> why = channelsLastHazard({{"stem", 1, 4, 3, 3, true}, {"body.2.shortcut.0", 4, 8, 1, 1, false}});
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
  const std::optional<std::string> unknown = channelsLastHazard(fromWeights);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_NE(unknown->find("a.weight (4 -> 8 channels, 1x1, stride unknown)"), std::string::npos) << *unknown;
}

TEST(ChannelsLast, ARefusedModelStaysNchwAndASafeOneIsSwitched) {
  torch::manual_seed(1);
  torch::nn::Sequential refused = twoConvs(3, 2);  // the 1x1 has 8 input channels, stride 2
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  const torch::Tensor before = refused->forward(x);
  EXPECT_FALSE(applyChannelsLast(*refused, "test.channels_last"));
  EXPECT_TRUE(allNchw(*refused));
  EXPECT_TRUE(torch::equal(refused->forward(x), before));

  torch::nn::Sequential safe = twoConvs(3, 1);
  const torch::Tensor reference = safe->forward(x);
  EXPECT_TRUE(applyChannelsLast(*safe, "test.channels_last"));
  for (const torch::Tensor& p : safe->parameters()) {
    if (p.dim() == 4) {
      EXPECT_TRUE(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
  EXPECT_LT((safe->forward(toChannelsLast(x)) - reference).abs().max().item<double>(), 1e-5);
}

}  // namespace
}  // namespace genrep
