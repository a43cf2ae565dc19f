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

namespace genrep {

enum class Precision { Float32, BFloat16 };

// "fp32" or "bf16"; anything else throws std::invalid_argument naming `key`.
Precision parsePrecision(const std::string& value, const std::string& key);
std::string precisionName(Precision precision);

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
