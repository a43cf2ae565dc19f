#pragma once
// The device a command trains and evaluates on: "auto" (a CUDA device when this LibTorch and
// machine have one, otherwise the CPU), "cpu", "cuda" or "cuda:N". "auto" and "cuda" take
// cuda:LOCAL_RANK under torchrun (one GPU per process), cuda:0 otherwise.
//
//   torch::Device device = selectDevice("auto");     // from a config: settings/RunKeys.h deviceFromConfig
#include <string>

#include <torch/torch.h>

namespace genrep {

// Throws std::invalid_argument naming the value when it is unknown or not available.
torch::Device selectDevice(const std::string& name);

}  // namespace genrep
