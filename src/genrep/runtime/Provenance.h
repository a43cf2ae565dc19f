#pragma once
// What produced a result, kept beside it: the machine (CPU model and flags), LibTorch and its
// oneDNN, the threads, the device and genrep's commit. A study's table compares results only
// where these agree, or says where they do not (docs/experiments.md). Header without LibTorch.
//
//   result["provenance"] = genrep::currentProvenance("cpu").toJson();
#include <string>

#include <nlohmann/json.hpp>

namespace genrep {

struct Provenance {
  std::string cpuModel;  // "AMD EPYC"
  std::string cpuFlags;  // the flags that decide kernels: "avx2 fma avx512f ... avx512_bf16"
  std::string libtorch;  // "2.11.0"
  std::string onednn;    // "3.10.2"; "" without oneDNN
  int threads = 1;       // LibTorch's intra-op threads
  std::string device;    // "cpu", "cuda:0"
  std::string commit;    // genrep's (core/BuildCommit.h)

  nlohmann::json toJson() const;
  // A result's "provenance" object; fields it lacks (a result older than them) stay empty.
  static Provenance fromJson(const nlohmann::json& json);
  // "AMD EPYC (avx2 ... avx512_bf16)": what must agree for two results to be compared cleanly.
  std::string machine() const;
};

// This process's, with the device it computes on.
Provenance currentProvenance(const std::string& device);

}  // namespace genrep
