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

Precision usablePrecision(Precision requested, const c10::Device& device, const std::string& setting, const CpuFeatures& cpu) {
  if (requested == Precision::Float32 || !device.is_cpu()) return requested;
  if (cpu.onednnIsa < OnednnIsa::Avx512Core) {
    warnOnce(fmt::format("{}=bf16 was not applied: oneDNN runs at {} on this CPU ({}), and has no bf16 convolution below AVX-512; "
                         "computing in fp32",
                         setting, onednnIsaName(cpu.onednnIsa), cpu.model));
    return Precision::Float32;
  }
  if (!cpu.nativeBf16()) {
    warnOnce(fmt::format("{}=bf16 is emulated on this CPU ({}: no avx512_bf16 or AMX for oneDNN at {}); expect it slower than fp32",
                         setting, cpu.model, onednnIsaName(cpu.onednnIsa)));
  }
  return requested;
}

// Enter and leave as torch.autocast does: remember the previous state, count the nesting and
// drop the cache of casted weights when the outermost scope ends (the weights change with
// every optimiser step, so a cached cast must not outlive its step).
AutocastScope::AutocastScope(Precision precision, const c10::Device& device) {
  if (precision == Precision::Float32) return;
  active_ = true;
  cuda_ = device.is_cuda();
  if (cuda_) {
    wasEnabled_ = at::autocast::is_enabled();
    previousType_ = at::autocast::get_autocast_gpu_dtype();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
  } else {
    wasEnabled_ = at::autocast::is_cpu_enabled();
    previousType_ = at::autocast::get_autocast_cpu_dtype();
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  if (cuda_) {
    at::autocast::set_enabled(wasEnabled_);
    at::autocast::set_autocast_gpu_dtype(previousType_);
  } else {
    at::autocast::set_cpu_enabled(wasEnabled_);
    at::autocast::set_autocast_cpu_dtype(previousType_);
  }
}

}  // namespace genrep
