#include "genrep/steer/PixelEdit.h"

#include <gtest/gtest.h>

#include "genrep/steer/WalkTrainer.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

torch::Tensor ramp(int64_t batch, int64_t channels, int64_t size) {  // [B, C, S, S], distinct values in [-1, 1]
  return torch::linspace(-1, 1, batch * channels * size * size).view({batch, channels, size, size});
}

TEST(PixelEdit, TheTableHoldsEveryEditInEnumOrderAndNamesRoundTrip) {
  const std::vector<EditFacts>& table = editTable();
  ASSERT_EQ(table.size(), 9u);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(table[i].kind), i) << table[i].name;
    EXPECT_EQ(parseEditKind(table[i].name), table[i].kind);
  }
  EXPECT_TRUE(isColourEdit(EditKind::Green));
  EXPECT_FALSE(isColourEdit(EditKind::Contrast));
  EXPECT_TRUE(defaultEditRange(EditKind::Zoom).logScale);
  EXPECT_THROW(parseEditKind("zom"), std::invalid_argument);
}

TEST(PixelEdit, NoAmountIsTheIdentityWithEveryPixelDefined) {
  const torch::Tensor x = ramp(2, 3, 8);
  const torch::Tensor one = torch::ones({2}), zero = torch::zeros({2});
  for (const auto& [kind, alpha] : std::vector<std::pair<EditKind, torch::Tensor>>{{EditKind::Zoom, one},
                                                                                 {EditKind::ShiftX, zero},
                                                                                 {EditKind::ShiftY, zero},
                                                                                 {EditKind::Rotate, zero},
                                                                                 {EditKind::Brightness, zero},
                                                                                 {EditKind::Contrast, zero},
                                                                                 {EditKind::Green, zero}}) {
    const EditedImages e = applyEdit(kind, x, alpha);
    EXPECT_LT((e.images - x).abs().max().item<double>(), 1e-5) << editName(kind);
    EXPECT_EQ(e.mask.sum().item<double>(), 2 * 8 * 8) << editName(kind);
  }
}

TEST(PixelEdit, AShiftByWholePixelsMovesTheImageAndMasksExactlyTheUncoveredBorder) {
  const torch::Tensor x = ramp(2, 1, 8);
  const EditedImages right = applyEdit(EditKind::ShiftX, x, torch::tensor({0.25F, -0.125F}));  // +2 px, -1 px
  using torch::indexing::Slice;
  EXPECT_LT((right.images[0].index({Slice(), Slice(), Slice(2, 8)}) - x[0].index({Slice(), Slice(), Slice(0, 6)})).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(right.mask[0].index({Slice(), Slice(), Slice(0, 2)}).sum().item<double>(), 0);
  EXPECT_EQ(right.mask[0].index({Slice(), Slice(), Slice(2, 8)}).sum().item<double>(), 6 * 8);
  EXPECT_LT((right.images[1].index({Slice(), Slice(), Slice(0, 7)}) - x[1].index({Slice(), Slice(), Slice(1, 8)})).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(right.mask[1].index({Slice(), Slice(), Slice(7, 8)}).sum().item<double>(), 0);
  EXPECT_EQ(right.mask[1].sum().item<double>(), 7 * 8);
  const EditedImages down = applyEdit(EditKind::ShiftY, x, torch::tensor({0.375F, 0.0F}));  // +3 px
  EXPECT_LT((down.images[0].index({Slice(), Slice(3, 8)}) - x[0].index({Slice(), Slice(0, 5)})).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(down.mask[0].index({Slice(), Slice(0, 3)}).sum().item<double>(), 0);
  EXPECT_EQ(down.mask[0].sum().item<double>(), 5 * 8);
}

TEST(PixelEdit, ZoomOutMasksTheBorderZoomInDefinesEverythingRotationTurnsCounterClockwise) {
  const torch::Tensor x = ramp(1, 1, 8);
  const EditedImages in = applyEdit(EditKind::Zoom, x, torch::tensor({2.0F}));
  EXPECT_EQ(in.mask.sum().item<double>(), 64);
  const EditedImages out = applyEdit(EditKind::Zoom, x, torch::tensor({0.5F}));
  using torch::indexing::Slice;
  EXPECT_EQ(out.mask[0][0][0].sum().item<double>(), 0);  // the top row shows nothing of the image
  EXPECT_EQ(out.mask[0][0][4][4].item<double>(), 1);
  EXPECT_LT(out.mask.sum().item<double>(), 64);

  torch::Tensor dot = torch::full({1, 1, 8, 8}, -1.0);
  dot[0][0][3][7] = 1.0;  // right edge, middle row (rows 3 and 4 straddle the centre)
  const EditedImages turned = applyEdit(EditKind::Rotate, dot, torch::tensor({90.0F}));
  EXPECT_EQ(turned.mask.sum().item<double>(), 64);  // a quarter turn of a square keeps every pixel
  EXPECT_NEAR(turned.images[0][0][0][3].item<double>(), 1.0, 1e-4);  // now at the top edge
  const EditedImages corners = applyEdit(EditKind::Rotate, x, torch::tensor({45.0F}));
  EXPECT_EQ(corners.mask[0][0][0][0].item<double>(), 0);
  EXPECT_EQ(corners.mask[0][0][4][4].item<double>(), 1);
}

TEST(PixelEdit, PhotometricEditsMatchTheirFormulasAndColourNeedsRgb) {
  const torch::Tensor x = ramp(1, 3, 4) * 0.5;
  EXPECT_TRUE(torch::allclose(applyEdit(EditKind::Brightness, x, torch::tensor({0.1F})).images, (x + 0.2).clamp(-1, 1)));
  EXPECT_TRUE(torch::allclose(applyEdit(EditKind::Contrast, x, torch::tensor({-0.5F})).images, x * 0.5));
  const torch::Tensor red = applyEdit(EditKind::Red, x, torch::tensor({0.25F})).images;
  EXPECT_TRUE(torch::allclose(red[0][0], (x[0][0] + 0.5).clamp(-1, 1)));
  EXPECT_TRUE(torch::equal(red[0][1], x[0][1]));
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { applyEdit(EditKind::Blue, ramp(1, 1, 4), torch::tensor({0.1F})); })
                .find("needs RGB"),
            std::string::npos);
  EXPECT_THROW(parseEditKind("shear"), std::invalid_argument);
}

TEST(PixelEdit, MaskedSquaredErrorCountsOnlyMaskedPixels) {
  const torch::Tensor a = torch::zeros({1, 2, 1, 2});
  const torch::Tensor b = torch::tensor({1.0F, 3.0F, 2.0F, 5.0F}).view({1, 2, 1, 2});
  const torch::Tensor mask = torch::tensor({1.0F, 0.0F}).view({1, 1, 1, 2});
  EXPECT_NEAR(maskedSquaredError(a, b, mask).item<double>(), (1.0 + 4.0) / 2.0, 1e-6);  // pixel 0 of both channels
}

}  // namespace
}  // namespace genrep
