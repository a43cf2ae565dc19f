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

// Features and gradients of an encoder put through the channels_last guard against the same
// encoder in NCHW: width 16 is switched (its strided 1x1 shortcuts have >= 16 input channels);
// width 4 is refused where the loaded oneDNN has the kernel that writes past its buffer (4
// input channels: every version measured so far, runtime/ChannelsLast.h) and stays NCHW,
// computing exactly the same. The same on every CPU.
TEST(ResNetEncoder, ChannelsLastComputesTheSameFeaturesAndGradients) {
  for (const int64_t width : {16, 4}) {
    torch::manual_seed(3);
    ResNetEncoder nchw(EncoderArch{1, 2, 1, width});
    ResNetEncoder nhwc(EncoderArch{1, 2, 1, width});
    for (const auto& item : nchw->named_parameters()) nhwc->named_parameters()[item.key()].data().copy_(item.value());
    const bool switched = applyChannelsLast(*nhwc, "learn.channels_last");
    EXPECT_EQ(switched, width == 16 || !onednnNeedsChannelsLastGuard(onednnVersion()));
    for (const auto& item : nhwc->named_parameters()) {
      const torch::Tensor& w = item.value();
      if (w.dim() == 4 && w.size(1) > 1 && w.size(2) > 1) {  // a layout only such weights can tell apart
        EXPECT_EQ(w.is_contiguous(torch::MemoryFormat::ChannelsLast), switched) << item.key();
      }
    }
    const torch::Tensor x = torch::rand({6, 1, 8, 8}) * 2 - 1;
    const torch::Tensor a = nchw->forward(x), b = nhwc->forward(switched ? toChannelsLast(x) : x);
    const double featureError = (a - b).abs().max().item<double>();
    a.square().sum().backward();
    b.square().sum().backward();
    double gradError = 0;
    for (const auto& item : nchw->named_parameters()) {
      gradError = std::max(gradError, (item.value().grad() - nhwc->named_parameters()[item.key()].grad()).abs().max().item<double>());
    }
    std::printf("width %ld, channels_last %s: features max |error| %.3g, gradients %.3g\n", static_cast<long>(width),
                switched ? "applied" : "refused", featureError, gradError);
    EXPECT_LT(featureError, 1e-5);
    EXPECT_LT(gradError, 1e-4);
    if (!switched) {
      EXPECT_EQ(featureError, 0.0);
      EXPECT_EQ(gradError, 0.0);
    }
  }
}

}  // namespace
}  // namespace genrep
