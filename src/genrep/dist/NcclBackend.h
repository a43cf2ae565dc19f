#pragma once
// c10d's NCCL backend for data parallel on CUDA devices (dist/DataParallel.h), compiled in when
// LibTorch has CUDA (GENREP_WITH_NCCL: PyPI's PyTorch wheels). Its own file so that NCCL's and
// CUDA's headers reach one translation unit only.
//
//   group->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::NCCL,
//                     makeNcclBackend(store, rank, worldSize, device, timeout));
#include <chrono>

#include <torch/torch.h>

namespace c10d {
class Backend;
class Store;
}  // namespace c10d

namespace genrep {

// A ProcessGroupNCCL for rank `rank` of `worldSize` on `device` (a CUDA device), meeting the
// others through `store`; a collective that a rank never joins fails after `timeout`. Throws
// std::invalid_argument naming run.device when this build has no NCCL.
c10::intrusive_ptr<c10d::Backend> makeNcclBackend(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                                                  const torch::Device& device, std::chrono::milliseconds timeout);

}  // namespace genrep
