#include "genrep/runtime/Autocast.h"

#include <stdexcept>

#include <ATen/autocast_mode.h>
#include <fmt/format.h>

#include "genrep/core/Warning.h"

namespace genrep {

const NameTable<Precision>& precisionNames() {
  static const NameTable<Precision> names = {{Precision::Float32, "fp32"}, {Precision::BFloat16, "bf16"}};
  return names;
}

Precision parsePrecision(const std::string& value, const std::string& key) {
  if (const std::optional<Precision> precision = valueNamed(precisionNames(), value)) return *precision;
  throw std::invalid_argument(key + "=" + value + ": unknown precision (" + joinedNames(precisionNames()) + ")");
}

std::string precisionName(Precision precision) { return *nameOf(precisionNames(), precision); }

Precision usablePrecision(Precision requested, const c10::Device& device, const std::string& setting, const CpuFeatures& cpu,
                          const std::optional<OnednnVersion>& onednn) {
  if (requested == Precision::Float32 || !device.is_cpu()) return requested;
  const bool bf16BelowAvx512 = onednn && !(*onednn < kOnednnBf16BelowAvx512);
  if (cpu.onednnIsa < OnednnIsa::Avx512Core && !bf16BelowAvx512) {
    warnOnce(fmt::format("{}=bf16 was not applied: oneDNN runs at {} on this CPU ({}), and this oneDNN ({}) has no bf16 convolution "
                         "below AVX-512 (PyTorch 2.11's has); computing in fp32",
                         setting, onednnIsaName(cpu.onednnIsa), cpu.model,
                         onednn ? onednn->name() : "version unknown"));
    return Precision::Float32;
  }
  if (cpu.onednnIsa < OnednnIsa::Avx512Core) {
    warnOnce(fmt::format("{}=bf16 is emulated by oneDNN at {} on this CPU ({}): a streamed training step measured 17x slower than "
                         "fp32 there (docs/benchmark.md); fp32 is the setting for this CPU",
                         setting, onednnIsaName(cpu.onednnIsa), cpu.model));
    return requested;
  }
  if (!cpu.nativeBf16()) {
    warnOnce(fmt::format("{}=bf16 is emulated on this CPU ({}: no avx512_bf16 or AMX for oneDNN at {}); expect it slower than fp32",
                         setting, cpu.model, onednnIsaName(cpu.onednnIsa)));
  }
  return requested;
}

// Enter and leave as torch.autocast does: remember the previous state, count the nesting and
// drop the cache of casted weights when the outermost scope ends (the weights change with
// every optimiser step, so a cached cast must not outlive its step). LibTorch 2.x keys the
// state by device type, the same calls for the CPU and CUDA.
AutocastScope::AutocastScope(Precision precision, const c10::Device& device) {
  if (precision == Precision::Float32) return;
  active_ = true;
  deviceType_ = device.type();
  wasEnabled_ = at::autocast::is_autocast_enabled(deviceType_);
  previousType_ = at::autocast::get_autocast_dtype(deviceType_);
  at::autocast::set_autocast_dtype(deviceType_, at::kBFloat16);
  at::autocast::set_autocast_enabled(deviceType_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(deviceType_, wasEnabled_);
  at::autocast::set_autocast_dtype(deviceType_, previousType_);
}

}  // namespace genrep
