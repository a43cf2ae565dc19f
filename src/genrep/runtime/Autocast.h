#pragma once
// Lower-precision compute for a region of code: inside an AutocastScope with bf16, LibTorch's
// autocast runs convolutions and matrix products in bfloat16 (oneDNN uses the CPU's AMX units
// where it has them) and keeps reductions, norms and losses in float32; parameters and their
// gradients stay float32. It changes numerics, so it is a setting of the run, never implicit.
//
//   Precision p = parsePrecision(config.getString("learn.precision"), "learn.precision");
//   { AutocastScope scope(p, device); loss = objective.loss(encoder->forward(x), batch); }
//   loss.backward();   // outside the scope, as PyTorch recommends
#include <optional>
#include <string>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "genrep/core/NameTable.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/Runtime.h"

namespace genrep {

enum class Precision { Float32, BFloat16 };

// Every precision with its name ("fp32", "bf16"): parsing, printing and the settings' choices.
const NameTable<Precision>& precisionNames();
// "fp32" or "bf16"; anything else throws std::invalid_argument naming `key`.
Precision parsePrecision(const std::string& value, const std::string& key);
std::string precisionName(Precision precision);

// The first oneDNN measured to run bf16 convolutions below AVX-512 (PyTorch 2.11's 3.10.2);
// 2.6 (LibTorch 1.13) has none.
inline constexpr OnednnVersion kOnednnBf16BelowAvx512{3, 10, 0};

// The precision a run can use on `device`, asked for by `setting`. On a CPU whose oneDNN runs
// below AVX-512, bf16 needs a oneDNN that has bf16 convolutions there (kOnednnBf16BelowAvx512
// or newer): oneDNN 2.6 fails ("could not create a primitive descriptor iterator"), so with it
// (or an unknown version) the run gets fp32 and one warning that `setting` was not applied;
// with 3.10 it runs, emulated and far slower (17x on a streamed step), and a warning says so.
// With AVX-512 but neither avx512_bf16 nor AMX, bf16 is emulated too: slower than fp32, and a
// warning says so. GPUs get what they ask for. `onednn` is the loaded LibTorch's unless given.
Precision usablePrecision(Precision requested, const c10::Device& device, const std::string& setting,
                          const CpuFeatures& cpu = hostCpu(), const std::optional<OnednnVersion>& onednn = onednnVersion());

class AutocastScope {
 public:
  AutocastScope(Precision precision, const c10::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  c10::DeviceType deviceType_ = c10::DeviceType::CPU;
  bool wasEnabled_ = false;
  c10::ScalarType previousType_ = c10::ScalarType::BFloat16;
};

}  // namespace genrep
