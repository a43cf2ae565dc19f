#pragma once
// Batch norm for [B, C, H, W] whose training statistics can be those of the global batch
// across data-parallel ranks (synchronised batch norm, `learn.sync_batch_norm`). Otherwise it
// is torch::nn::BatchNorm2d exactly: the same parameters and buffers under the same names, the
// same kernel, so weights save, load and compute as before.
//
//   SyncBatchNorm2d bn(64);                       // in a module, where BatchNorm2d would be
//   synchroniseBatchNorm(*encoder, ranks);        // every SyncBatchNorm2d in it pools its statistics
#include <cstdint>
#include <memory>

#include <torch/torch.h>

namespace genrep {

class DataParallel;

class SyncBatchNorm2dImpl : public torch::nn::Module {
 public:
  // affine = false: no weight and bias (BatchNorm2dOptions::affine(false)).
  explicit SyncBatchNorm2dImpl(int64_t channels, bool affine = true, double momentum = 0.1, double eps = 1e-5);
  torch::Tensor forward(const torch::Tensor& x);  // x [B, C, H, W]

  // Null, or one process: statistics of this rank's batch (BatchNorm2d).
  void synchronise(std::shared_ptr<DataParallel> ranks) { ranks_ = std::move(ranks); }
  double eps() const { return eps_; }

  torch::Tensor weight, bias;                                 // [C], undefined when not affine
  torch::Tensor running_mean, running_var, num_batches_tracked;  // [C], [C], scalar int64

 private:
  torch::Tensor synchronisedForward(const torch::Tensor& x);
  double momentum_, eps_;
  std::shared_ptr<DataParallel> ranks_;
};
TORCH_MODULE(SyncBatchNorm2d);

// Hands `ranks` to every SyncBatchNorm2d inside `module`.
void synchroniseBatchNorm(torch::nn::Module& module, const std::shared_ptr<DataParallel>& ranks);

}  // namespace genrep
