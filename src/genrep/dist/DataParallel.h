#pragma once
// Data parallelism over PyTorch's own distributed engine (c10d): N processes, one rank each,
// that meet through a TCPStore at MASTER_ADDR:MASTER_PORT and talk through Gloo (CPU tensors)
// and, when the run is on a GPU, NCCL (CUDA tensors). The
// variables are the ones torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
// MASTER_PORT); a Slurm-style launcher sets them by hand. Without WORLD_SIZE (or with 1) the
// run is one process and every collective is the identity, so trainers have one code path.
//
//   std::shared_ptr<DataParallel> ranks = DataParallel::fromEnvironment(device, std::chrono::seconds(120));
//   torch::Tensor all = ranks->gather(local);        // [W*n, D], gradients flow back to each rank's rows
//   loss.backward();
//   ranks->averageGradients(parameters);             // one flattened all-reduce, divided by W
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace c10d {
class ProcessGroup;
}

namespace genrep {

class DataParallel {
 public:
  // One process: rank 0 of 1.
  static std::shared_ptr<DataParallel> single();
  // Whether the environment asks for more than one process (WORLD_SIZE > 1).
  static bool requestedByEnvironment();
  // From the environment; one process when WORLD_SIZE is unset or 1. Throws
  // std::invalid_argument naming the variable that is missing or malformed, and
  // std::runtime_error when the ranks do not all meet within `timeout`. A collective that a
  // dead or stuck rank never joins fails after `timeout` as well.
  // `device` is the run's (runtime/Device.h selectDevice): a CUDA device adds NCCL for its tensors.
  static std::shared_ptr<DataParallel> fromEnvironment(const torch::Device& device, std::chrono::milliseconds timeout);
  // Explicit rendezvous (tests, launchers): rank 0 hosts the store at address:port.
  static std::shared_ptr<DataParallel> connect(const std::string& address, uint16_t port, int rank, int worldSize,
                                               const torch::Device& device, std::chrono::milliseconds timeout);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int rank() const { return rank_; }
  int worldSize() const { return worldSize_; }
  bool isMain() const { return rank_ == 0; }
  std::string describe() const;  // "rank 1 of 2 (gloo, 127.0.0.1:29500)" or "one process"

  // Sums then divides by W the gradients of `parameters` (those that require one; a missing
  // gradient counts as zeros), in flattened buckets of at most 25 MB: every rank ends with the
  // same mean gradient. `extra` [k] is summed along in the last bucket, not divided: values
  // every rank needs, such as a loss to log.
  void averageGradients(const std::vector<torch::Tensor>& parameters, torch::Tensor* extra = nullptr);
  // Sum over ranks of `values`, in place; no autograd.
  void sumInPlace(torch::Tensor& values);
  // The mean over ranks of each value (losses to check and log); one process: `values`.
  std::vector<double> meanOverRanks(std::vector<double> values);
  // local [n, ...] -> [W*n, ...], rank r's rows at [r*n, (r+1)*n). Differentiable: the
  // gradient of rank r's rows is the sum over ranks of their gradients there, so a loss whose
  // terms are spread over ranks gets the gradient it would have in one process.
  torch::Tensor gather(const torch::Tensor& local);
  // local -> the sum over ranks, on every rank. Differentiable (the gradient is summed too).
  torch::Tensor sum(const torch::Tensor& local);
  // Copies rank 0's values into every rank's tensors (parameters and buffers at the start).
  void broadcastFromMain(const std::vector<torch::Tensor>& tensors);
  // Rank 0's `text` on every rank (the run folder's name).
  std::string shareFromMain(const std::string& text);
  void barrier();

 private:
  DataParallel(int rank, int worldSize, std::string where, torch::Device device, c10::intrusive_ptr<c10d::ProcessGroup> group);
  int rank_ = 0;
  int worldSize_ = 1;
  std::string where_;
  torch::Device device_;
  c10::intrusive_ptr<c10d::ProcessGroup> group_;
};

// The seed of rank r's data streams: the run seed itself for rank 0 (so one process draws
// what it always drew), a seed derived from it and r for the others.
uint64_t rankSeed(uint64_t runSeed, int rank);

}  // namespace genrep
