// CPU features from /proc/cpuinfo lines of real machines, and oneDNN's ISA masks.
#include <gtest/gtest.h>

#include "genrep/runtime/CpuFeatures.h"

namespace genrep {
namespace {

// Abridged flags lines of the two kinds of machine this project runs on.
const char* const kEpycFlags =
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm "
    "pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm sse4a "
    "bmi1 avx2 smep bmi2 rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 clzero xsaveerptr";
const char* const kSapphireRapidsFlags =
    "fpu vme de pse tsc sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c bmi1 hle avx2 smep bmi2 erms avx512f avx512dq "
    "rdseed adx avx512ifma clflushopt avx512cd sha_ni avx512bw avx512vl xsaveopt avx_vnni avx512_bf16 avx512vbmi "
    "avx512_vbmi2 gfni avx512_vnni avx512_bitalg amx_bf16 avx512_fp16 amx_tile amx_int8";
const char* const kSkylakeFlags = "sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl";

TEST(CpuFeatures, ReadsTheRelevantFlagsAndEstimatesOnednnsIsa) {
  const CpuFeatures epyc = CpuFeatures::fromCpuinfo("AMD EPYC 7B13", kEpycFlags);
  EXPECT_EQ(epyc.model, "AMD EPYC 7B13");
  EXPECT_EQ(epyc.flags, (std::vector<std::string>{"avx2", "fma"}));
  EXPECT_EQ(epyc.onednnIsa, OnednnIsa::Avx2);
  EXPECT_FALSE(epyc.nativeBf16());

  const CpuFeatures spr = CpuFeatures::fromCpuinfo("Intel(R) Xeon(R) Processor", kSapphireRapidsFlags);
  EXPECT_EQ(spr.onednnIsa, OnednnIsa::Avx512CoreAmx);
  EXPECT_TRUE(spr.nativeBf16());
  EXPECT_TRUE(spr.has("amx_bf16"));
  EXPECT_FALSE(spr.has("avx512_fp16"));  // not one genrep looks at

  const CpuFeatures skylake = CpuFeatures::fromCpuinfo("Intel Xeon Skylake", kSkylakeFlags);
  EXPECT_EQ(skylake.onednnIsa, OnednnIsa::Avx512Core);  // AVX-512, bf16 only emulated
  EXPECT_FALSE(skylake.nativeBf16());
  EXPECT_EQ(CpuFeatures::fromCpuinfo("old", "sse sse2 avx").onednnIsa, OnednnIsa::Unknown);

  const nlohmann::json json = epyc.toJson();
  EXPECT_EQ(json["model"], "AMD EPYC 7B13");
  EXPECT_EQ(json["onednn_isa"], "avx2");
  EXPECT_EQ(json["flags"].size(), 2u);
  EXPECT_NE(epyc.describe().find("oneDNN ISA avx2 (estimated from the flags)"), std::string::npos) << epyc.describe();
}

TEST(CpuFeatures, MapsOnednnsIsaMasks) {
  // dnnl_cpu_isa_t values of oneDNN 2.6, as dnnl_get_effective_cpu_isa returned them under
  // each ONEDNN_MAX_CPU_ISA on one machine.
  EXPECT_EQ(onednnIsaFromMask(0x7), OnednnIsa::Avx2);
  EXPECT_EQ(onednnIsaFromMask(0x407), OnednnIsa::Avx2);  // avx2_vnni: still no AVX-512
  EXPECT_EQ(onednnIsaFromMask(0x27), OnednnIsa::Avx512Core);
  EXPECT_EQ(onednnIsaFromMask(0x67), OnednnIsa::Avx512CoreVnni);
  EXPECT_EQ(onednnIsaFromMask(0xe7), OnednnIsa::Avx512CoreBf16);
  EXPECT_EQ(onednnIsaFromMask(0x3e7), OnednnIsa::Avx512CoreAmx);
  EXPECT_EQ(onednnIsaFromMask(0x12345), OnednnIsa::Unknown);
  EXPECT_EQ(onednnIsaName(OnednnIsa::Avx512CoreAmx), "avx512_core_amx");
}

TEST(CpuFeatures, OnednnsIsaLimitLowersTheEstimate) {
  // ONEDNN_MAX_CPU_ISA values as oneDNN spells them, any case.
  EXPECT_EQ(onednnIsaLimit("AVX2", OnednnIsa::Avx512CoreAmx), OnednnIsa::Avx2);
  EXPECT_EQ(onednnIsaLimit("avx512_core_bf16", OnednnIsa::Avx512CoreAmx), OnednnIsa::Avx512CoreBf16);
  EXPECT_EQ(onednnIsaLimit("AVX2_VNNI", OnednnIsa::Avx512CoreAmx), OnednnIsa::Avx2);
  EXPECT_EQ(onednnIsaLimit("AVX512_CORE_AMX", OnednnIsa::Avx2), OnednnIsa::Avx512CoreAmx);  // a limit, not a level: min() in detect
  EXPECT_EQ(onednnIsaLimit("ALL", OnednnIsa::Avx2), OnednnIsa::Avx2);
  EXPECT_EQ(onednnIsaLimit("not-an-isa", OnednnIsa::Avx512Core), OnednnIsa::Avx512Core);
}

TEST(CpuFeatures, DescribesTheRunningCpu) {
  const CpuFeatures& cpu = hostCpu();
  EXPECT_FALSE(cpu.model.empty());
  EXPECT_EQ(&cpu, &hostCpu());  // detected once
  std::printf("this CPU: %s: %s\n", cpu.model.c_str(), cpu.describe().c_str());
}

}  // namespace
}  // namespace genrep
