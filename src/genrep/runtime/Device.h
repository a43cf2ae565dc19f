#pragma once
// The device a command trains and evaluates on: "auto" (the first CUDA device when this
// LibTorch has one, otherwise the CPU), "cpu", "cuda" or "cuda:N".
//
//   torch::Device device = selectDevice("auto");     // from a config: settings/RunKeys.h deviceFromConfig
#include <string>

#include <torch/torch.h>

namespace genrep {

// Throws std::invalid_argument naming the value when it is unknown or not available.
torch::Device selectDevice(const std::string& name);

}  // namespace genrep
