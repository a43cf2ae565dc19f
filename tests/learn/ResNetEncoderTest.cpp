// The encoder's FLOP count against a hand count, and its channels_last layout against NCHW.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "genrep/learn/ResNetEncoder.h"
#include "genrep/runtime/ChannelsLast.h"

namespace genrep {
namespace {

TEST(ResNetEncoder, ForwardFlopsMatchAHandCountOfItsConvolutions) {
  // 1 channel, 2 stages of 1 block, width 4, 8 x 8 images: stem 1->4 at 8x8; block 4->4 at 8x8
  // (two 3x3 convs, no shortcut); block 4->8 at stride 2, 4x4 (two 3x3 convs and a 1x1 shortcut).
  const int64_t stem = 2 * 1 * 4 * 9 * 64;
  const int64_t first = 2 * (2 * 4 * 4 * 9 * 64);
  const int64_t second = 2 * 4 * 8 * 9 * 16 + 2 * 8 * 8 * 9 * 16 + 2 * 4 * 8 * 1 * 16;
  EXPECT_EQ((EncoderArch{1, 2, 1, 4}.forwardFlops(8, 8)), stem + first + second);
  // Odd sizes round up at every stride-2 stage, as the padded convolutions do: 7 -> 4 -> 2.
  ResNetEncoder encoder(EncoderArch{3, 3, 2, 4});
  const int64_t flops = EncoderArch{3, 3, 2, 4}.forwardFlops(7, 7);
  const int64_t deepest = 2 * 16 * 16 * 9 * 4 * 2;  // the last block's second conv at 2x2
  EXPECT_GT(flops, deepest);
  EXPECT_EQ(encoder->forward(torch::zeros({1, 3, 7, 7})).size(1), 16);
  // The default encoder on 28 x 28, as the pipeline bench reports it.
  std::printf("default encoder: %.4f GFLOP per 28x28 forward\n", static_cast<double>(EncoderArch{}.forwardFlops(28, 28)) / 1e9);
  EXPECT_GT(EncoderArch{}.forwardFlops(28, 28), 0);
}

TEST(ResNetEncoder, ChannelsLastComputesTheSameFeaturesAndGradients) {
  torch::manual_seed(3);
  ResNetEncoder nchw(EncoderArch{1, 2, 1, 4});
  ResNetEncoder nhwc(EncoderArch{1, 2, 1, 4});
  for (const auto& item : nchw->named_parameters()) nhwc->named_parameters()[item.key()].data().copy_(item.value());
  useChannelsLast(*nhwc);
  const auto conv = nhwc->named_parameters()["body.0.weight"];
  EXPECT_TRUE(conv.is_contiguous(torch::MemoryFormat::ChannelsLast));
  const torch::Tensor x = torch::rand({6, 1, 8, 8}) * 2 - 1;
  const torch::Tensor a = nchw->forward(x), b = nhwc->forward(toChannelsLast(x));
  const double featureError = (a - b).abs().max().item<double>();
  a.square().sum().backward();
  b.square().sum().backward();
  double gradError = 0;
  for (const auto& item : nchw->named_parameters()) {
    gradError = std::max(gradError, (item.value().grad() - nhwc->named_parameters()[item.key()].grad()).abs().max().item<double>());
  }
  std::printf("channels_last vs NCHW: features max |error| %.3g, gradients %.3g\n", featureError, gradError);
  EXPECT_LT(featureError, 1e-5);
  EXPECT_LT(gradError, 1e-4);
}

}  // namespace
}  // namespace genrep
