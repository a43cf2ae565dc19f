#pragma once
// What the running x86-64 CPU offers the kernels genrep relies on, and which instruction set
// oneDNN (LibTorch's CPU convolution library) actually uses on it. Both decide whether a speed
// switch is safe or useful here: channels_last convolutions (runtime/ChannelsLast.h) and bf16
// autocast (runtime/Autocast.h). Header without LibTorch.
//
//   const CpuFeatures& cpu = hostCpu();
//   if (cpu.onednnIsa < OnednnIsa::Avx512Core) { /* no bf16 convolution in oneDNN 2.6 */ }
//   json["cpu"] = cpu.toJson();   // beside every measured speed
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace genrep {

// oneDNN's instruction-set levels, ordered; the values are genrep's, not oneDNN's bit masks.
enum class OnednnIsa { Unknown = 0, Sse41 = 1, Avx = 2, Avx2 = 3, Avx512Core = 4, Avx512CoreVnni = 5, Avx512CoreBf16 = 6, Avx512CoreAmx = 7 };

std::string onednnIsaName(OnednnIsa isa);  // "avx2", "avx512_core_amx", ...
// A dnnl_cpu_isa_t value (dnnl_get_effective_cpu_isa) to its level; Unknown for others.
OnednnIsa onednnIsaFromMask(unsigned mask);
// The level an ONEDNN_MAX_CPU_ISA value ("AVX2", "avx512_core_bf16", ...) allows at most;
// `otherwise` for ALL, DEFAULT and names genrep does not know.
OnednnIsa onednnIsaLimit(const std::string& value, OnednnIsa otherwise);

struct CpuFeatures {
  std::string model;               // /proc/cpuinfo "model name"
  std::vector<std::string> flags;  // the relevant flags the CPU reports, in a fixed order
  // The level oneDNN dispatches to: the CPU's, lowered by ONEDNN_MAX_CPU_ISA or by a CPU
  // emulator such as valgrind (which hides AVX-512). From oneDNN itself where its symbols are
  // visible (a LibTorch on a shared libdnnl), otherwise estimated from the flags and
  // ONEDNN_MAX_CPU_ISA (PyPI's LibTorch links oneDNN in; an emulator is not seen then).
  OnednnIsa onednnIsa = OnednnIsa::Unknown;
  bool onednnIsaFromLibrary = false;

  bool has(const std::string& flag) const;
  // bf16 in hardware (avx512_bf16 or AMX) and oneDNN dispatching to it.
  bool nativeBf16() const { return onednnIsa >= OnednnIsa::Avx512CoreBf16; }
  std::string describe() const;    // "avx2 avx512f ...; oneDNN ISA avx512_core_amx"
  nlohmann::json toJson() const;   // {"model", "flags", "onednn_isa"}

  // From /proc/cpuinfo's "model name" and "flags" values; the ISA estimated from the flags.
  static CpuFeatures fromCpuinfo(const std::string& model, const std::string& flagsLine);
};

// The running CPU, detected once.
const CpuFeatures& hostCpu();

}  // namespace genrep
