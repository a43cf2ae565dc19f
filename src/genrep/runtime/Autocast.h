#pragma once
// Lower-precision compute for a region of code: inside an AutocastScope with bf16, LibTorch's
// autocast runs convolutions and matrix products in bfloat16 (oneDNN uses the CPU's AMX units
// where it has them) and keeps reductions, norms and losses in float32; parameters and their
// gradients stay float32. It changes numerics, so it is a setting of the run, never implicit.
//
//   Precision p = parsePrecision(config.getString("learn.precision"), "learn.precision");
//   { AutocastScope scope(p, device); loss = objective.loss(encoder->forward(x), batch); }
//   loss.backward();   // outside the scope, as PyTorch recommends
#include <string>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "genrep/core/NameTable.h"
#include "genrep/runtime/CpuFeatures.h"

namespace genrep {

enum class Precision { Float32, BFloat16 };

// Every precision with its name ("fp32", "bf16"): parsing, printing and the settings' choices.
const NameTable<Precision>& precisionNames();
// "fp32" or "bf16"; anything else throws std::invalid_argument naming `key`.
Precision parsePrecision(const std::string& value, const std::string& key);
std::string precisionName(Precision precision);

// The precision a run can use on `device`, asked for by `setting`. bf16 on a CPU needs oneDNN
// at AVX-512 or above: oneDNN 2.6 has no bf16 convolution for AVX2 ("could not create a
// primitive descriptor iterator"), so there it gives fp32 and warns once that `setting` was not
// applied. With AVX-512 but neither avx512_bf16 nor AMX, bf16 is emulated: it runs, slower than
// fp32, and a warning says so. GPUs get what they ask for.
Precision usablePrecision(Precision requested, const c10::Device& device, const std::string& setting,
                          const CpuFeatures& cpu = hostCpu());

class AutocastScope {
 public:
  AutocastScope(Precision precision, const c10::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool wasEnabled_ = false;
  c10::ScalarType previousType_ = c10::ScalarType::BFloat16;
};

}  // namespace genrep
