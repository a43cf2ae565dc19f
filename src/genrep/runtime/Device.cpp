#include "genrep/runtime/Device.h"

#include <stdexcept>

namespace genrep {

torch::Device selectDevice(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw std::invalid_argument("run.device=" + name + ": this LibTorch build sees no CUDA device; use run.device=cpu");
    }
    try {
      torch::Device device(name);
      if (device.index() >= static_cast<int>(torch::cuda::device_count())) throw std::invalid_argument("no such device");
      return device;
    } catch (const std::exception&) {
      throw std::invalid_argument("run.device=" + name + ": no such CUDA device (there are " +
                                  std::to_string(torch::cuda::device_count()) + ")");
    }
  }
  throw std::invalid_argument("run.device=" + name + ": unknown device (auto, cpu, cuda, cuda:N)");
}

}  // namespace genrep
