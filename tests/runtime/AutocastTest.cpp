// AutocastScope: bf16 inside, float32 outside, nesting restored, the setting parsed strictly.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "genrep/runtime/Autocast.h"

namespace genrep {
namespace {

TEST(Autocast, Bf16ScopeRunsMatrixProductsInBf16AndRestoresFloat32AfterIt) {
  const torch::Tensor a = torch::rand({8, 8}), b = torch::rand({8, 8});
  {
    AutocastScope scope(Precision::BFloat16, torch::kCPU);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    {
      AutocastScope inner(Precision::BFloat16, torch::kCPU);
      EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);  // the inner scope left the outer one on
    // bf16 keeps 8 bits of mantissa: close to float32, not equal.
    const double error = (torch::mm(a, b).to(torch::kFloat32) - torch::mm(a.to(torch::kFloat64), b.to(torch::kFloat64))).abs().max().item<double>();
    EXPECT_LT(error, 0.1);
  }
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
  {
    AutocastScope off(Precision::Float32, torch::kCPU);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
  }
}

TEST(Autocast, ParsesFp32AndBf16AndNamesTheKeyOtherwise) {
  EXPECT_EQ(parsePrecision("fp32", "learn.precision"), Precision::Float32);
  EXPECT_EQ(parsePrecision("bf16", "learn.precision"), Precision::BFloat16);
  EXPECT_EQ(precisionName(Precision::BFloat16), "bf16");
  try {
    parsePrecision("fp16", "learn.precision");
    FAIL() << "fp16 accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "learn.precision=fp16: unknown precision (fp32, bf16)");
  }
}

}  // namespace
}  // namespace genrep
