#include "genrep/runtime/CpuFeatures.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace genrep {
namespace {

// The flags that decide genrep's CPU paths, as /proc/cpuinfo spells them.
const char* const kRelevantFlags[] = {"avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                                      "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16"};

OnednnIsa isaFromFlags(const CpuFeatures& cpu) {
  const bool avx512Core = cpu.has("avx512f") && cpu.has("avx512bw") && cpu.has("avx512vl") && cpu.has("avx512dq");
  if (avx512Core && cpu.has("amx_tile") && cpu.has("amx_bf16")) return OnednnIsa::Avx512CoreAmx;
  if (avx512Core && cpu.has("avx512_bf16")) return OnednnIsa::Avx512CoreBf16;
  if (avx512Core && cpu.has("avx512_vnni")) return OnednnIsa::Avx512CoreVnni;
  if (avx512Core) return OnednnIsa::Avx512Core;
  if (cpu.has("avx2")) return OnednnIsa::Avx2;
  return OnednnIsa::Unknown;
}

std::string cpuinfoValue(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t start = line.find_first_not_of(' ', colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

CpuFeatures detect() {
  const std::string model = cpuinfoValue("model name");
  CpuFeatures cpu = CpuFeatures::fromCpuinfo(model.empty() ? "unknown CPU" : model, cpuinfoValue("flags"));
  // Debian's LibTorch links the shared libdnnl, whose C API says what it dispatches to after
  // ONEDNN_MAX_CPU_ISA and the CPUID it sees; a wheel's LibTorch hides those symbols.
  using EffectiveIsa = unsigned (*)();
  if (const auto effective = reinterpret_cast<EffectiveIsa>(dlsym(RTLD_DEFAULT, "dnnl_get_effective_cpu_isa"))) {
    const OnednnIsa isa = onednnIsaFromMask(effective());
    if (isa != OnednnIsa::Unknown) {
      cpu.onednnIsa = isa;
      cpu.onednnIsaFromLibrary = true;
      return cpu;
    }
  }
  // Estimated: oneDNN lowers its ISA to ONEDNN_MAX_CPU_ISA, so the estimate does too.
  if (const char* limit = std::getenv("ONEDNN_MAX_CPU_ISA")) cpu.onednnIsa = std::min(cpu.onednnIsa, onednnIsaLimit(limit, cpu.onednnIsa));
  return cpu;
}

}  // namespace

OnednnIsa onednnIsaLimit(const std::string& value, OnednnIsa otherwise) {
  std::string name;
  for (const char c : value) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "all" || name == "default") return otherwise;
  if (name == "avx2_vnni" || name == "avx2_vnni_2") return OnednnIsa::Avx2;  // no AVX-512, as onednnIsaFromMask
  if (name == "avx512_core_amx_fp16" || name == "avx10_1_512_amx" || name == "avx10_1_512_amx_fp16") return OnednnIsa::Avx512CoreAmx;
  if (name == "avx512_core_fp16" || name == "avx10_1_512") return OnednnIsa::Avx512CoreBf16;
  for (const OnednnIsa isa : {OnednnIsa::Sse41, OnednnIsa::Avx, OnednnIsa::Avx2, OnednnIsa::Avx512Core, OnednnIsa::Avx512CoreVnni,
                              OnednnIsa::Avx512CoreBf16, OnednnIsa::Avx512CoreAmx}) {
    if (onednnIsaName(isa) == name) return isa;
  }
  return otherwise;
}

std::string onednnIsaName(OnednnIsa isa) {
  switch (isa) {
    case OnednnIsa::Sse41: return "sse41";
    case OnednnIsa::Avx: return "avx";
    case OnednnIsa::Avx2: return "avx2";
    case OnednnIsa::Avx512Core: return "avx512_core";
    case OnednnIsa::Avx512CoreVnni: return "avx512_core_vnni";
    case OnednnIsa::Avx512CoreBf16: return "avx512_core_bf16";
    case OnednnIsa::Avx512CoreAmx: return "avx512_core_amx";
    case OnednnIsa::Unknown: break;
  }
  return "unknown";
}

OnednnIsa onednnIsaFromMask(unsigned mask) {
  // dnnl_cpu_isa_t in oneDNN 2.x (dnnl_types.h); avx2_vnni (0x407) has no AVX-512 and
  // counts as avx2 here, since genrep only asks "AVX-512 or not" and "bf16 or not".
  switch (mask) {
    case 0x1: return OnednnIsa::Sse41;
    case 0x3: return OnednnIsa::Avx;
    case 0x7: case 0x407: return OnednnIsa::Avx2;
    case 0x27: return OnednnIsa::Avx512Core;
    case 0x67: return OnednnIsa::Avx512CoreVnni;
    case 0xe7: return OnednnIsa::Avx512CoreBf16;
    case 0x3e7: return OnednnIsa::Avx512CoreAmx;
    default: return OnednnIsa::Unknown;
  }
}

bool CpuFeatures::has(const std::string& flag) const { return std::find(flags.begin(), flags.end(), flag) != flags.end(); }

std::string CpuFeatures::describe() const {
  std::string text;
  for (const std::string& flag : flags) text += (text.empty() ? "" : " ") + flag;
  if (text.empty()) text = "none of avx2/avx512/amx";
  return fmt::format("{}; oneDNN ISA {}{}", text, onednnIsaName(onednnIsa), onednnIsaFromLibrary ? "" : " (estimated from the flags)");
}

nlohmann::json CpuFeatures::toJson() const { return {{"model", model}, {"flags", flags}, {"onednn_isa", onednnIsaName(onednnIsa)}}; }

CpuFeatures CpuFeatures::fromCpuinfo(const std::string& model, const std::string& flagsLine) {
  std::istringstream words(flagsLine);
  std::vector<std::string> all;
  for (std::string word; words >> word;) all.push_back(word);
  CpuFeatures cpu;
  cpu.model = model;
  for (const char* flag : kRelevantFlags) {
    if (std::find(all.begin(), all.end(), flag) != all.end()) cpu.flags.emplace_back(flag);
  }
  cpu.onednnIsa = isaFromFlags(cpu);
  return cpu;
}

const CpuFeatures& hostCpu() {
  static const CpuFeatures cpu = detect();
  return cpu;
}

}  // namespace genrep
