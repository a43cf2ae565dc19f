#include "genrep/runtime/Device.h"

#include <cstdlib>
#include <stdexcept>

#include "genrep/runtime/Runtime.h"

namespace genrep {
namespace {

std::string noCudaReason() {
  return libtorchHasCuda() ? "this machine has no CUDA device (or no driver for it)" : "this LibTorch was built without CUDA";
}

// Under torchrun each process on a machine takes its own GPU, cuda:LOCAL_RANK (modulo the
// count, so that a machine with fewer GPUs than ranks still runs); one process takes cuda:0.
c10::DeviceIndex localRankDevice() {
  const char* localRank = std::getenv("LOCAL_RANK");
  long index = 0;
  if (localRank) {
    char* end = nullptr;
    index = std::strtol(localRank, &end, 10);
    if (end == localRank || *end != '\0' || index < 0) {
      throw std::invalid_argument(std::string("LOCAL_RANK='") + localRank + "' is not a rank (torchrun sets it: a count from 0)");
    }
  }
  return static_cast<c10::DeviceIndex>(index % static_cast<long>(torch::cuda::device_count()));
}

}  // namespace

torch::Device selectDevice(const std::string& name) {
  if (name == "cpu" || (name == "auto" && !torch::cuda::is_available())) return torch::Device(torch::kCPU);
  if (name == "auto" || name == "cuda") {
    if (!torch::cuda::is_available()) {
      throw std::invalid_argument("run.device=" + name + ": " + noCudaReason() + "; use run.device=cpu");
    }
    return torch::Device(torch::kCUDA, localRankDevice());
  }
  if (name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw std::invalid_argument("run.device=" + name + ": " + noCudaReason() + "; use run.device=cpu");
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
