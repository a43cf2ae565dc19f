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

// bf16 where the CPU and oneDNN can: without AVX-512 refused (fp32) by oneDNN 2.6 and emulated
// by 3.10, emulated with AVX-512, native with avx512_bf16 or AMX; a GPU gets what it asks for.
// Decided from the CPU and oneDNN given, not this machine's.
TEST(Autocast, UsablePrecisionFollowsTheCpusAndOnednnsBf16Support) {
  const std::optional<OnednnVersion> onednn26 = OnednnVersion{2, 6, 3}, onednn310 = OnednnVersion{3, 10, 2};
  const CpuFeatures avx2 = CpuFeatures::fromCpuinfo("AMD EPYC", "avx avx2 fma");
  const CpuFeatures avx512 = CpuFeatures::fromCpuinfo("Skylake", "avx2 avx512f avx512bw avx512vl avx512dq");
  const CpuFeatures amx = CpuFeatures::fromCpuinfo("Sapphire Rapids", "avx2 avx512f avx512bw avx512vl avx512dq avx512_bf16 amx_tile amx_bf16");
  const c10::Device cpu(torch::kCPU), gpu(torch::kCUDA, 0);
  EXPECT_EQ(usablePrecision(Precision::BFloat16, cpu, "test.precision", avx2, onednn26), Precision::Float32);
  EXPECT_EQ(usablePrecision(Precision::BFloat16, cpu, "test.precision", avx2, std::nullopt), Precision::Float32);
  EXPECT_EQ(usablePrecision(Precision::BFloat16, cpu, "test.precision", avx2, onednn310), Precision::BFloat16);
  for (const auto& onednn : {onednn26, onednn310}) {
    EXPECT_EQ(usablePrecision(Precision::BFloat16, cpu, "test.precision", avx512, onednn), Precision::BFloat16);
    EXPECT_EQ(usablePrecision(Precision::BFloat16, cpu, "test.precision", amx, onednn), Precision::BFloat16);
    EXPECT_EQ(usablePrecision(Precision::BFloat16, gpu, "test.precision", avx2, onednn), Precision::BFloat16);
    EXPECT_EQ(usablePrecision(Precision::Float32, cpu, "test.precision", amx, onednn), Precision::Float32);
  }
}

}  // namespace
}  // namespace genrep
