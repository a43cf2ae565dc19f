#include "genrep/dist/NcclBackend.h"

#include <stdexcept>

#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#ifdef GENREP_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace genrep {

c10::intrusive_ptr<c10d::Backend> makeNcclBackend(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                                                  const torch::Device& device, std::chrono::milliseconds timeout) {
#ifdef GENREP_WITH_NCCL
  // NCCL binds a communicator to the current device: each rank's own GPU (selectDevice picks
  // cuda:LOCAL_RANK for run.device=cuda under torchrun).
  c10::cuda::set_device(device.has_index() ? device.index() : 0);
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, worldSize, options);
#else
  (void)store, (void)rank, (void)worldSize, (void)timeout;
  throw std::invalid_argument("run.device=" + device.str() +
                              ": data parallel on CUDA needs NCCL, and this genrep was built against a LibTorch without CUDA; "
                              "build it against PyPI's PyTorch (bash scripts/setup.sh) or use run.device=cpu");
#endif
}

}  // namespace genrep
