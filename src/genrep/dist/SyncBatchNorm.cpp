#include "genrep/dist/SyncBatchNorm.h"

#include "genrep/dist/DataParallel.h"

namespace genrep {

SyncBatchNorm2dImpl::SyncBatchNorm2dImpl(int64_t channels, bool affine, double momentum, double eps)
    : momentum_(momentum), eps_(eps) {
  // Registered in BatchNorm2d's order and with its names and initial values.
  if (affine) {
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
  }
  running_mean = register_buffer("running_mean", torch::zeros({channels}));
  running_var = register_buffer("running_var", torch::ones({channels}));
  num_batches_tracked = register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
}

torch::Tensor SyncBatchNorm2dImpl::forward(const torch::Tensor& x) {
  if (is_training()) {
    num_batches_tracked += 1;
    if (ranks_ && ranks_->worldSize() > 1) return synchronisedForward(x);
  }
  return torch::nn::functional::detail::batch_norm(x, running_mean, running_var, weight, bias, is_training(), momentum_, eps_);
}

// Sums, sums of squares and counts over every rank's batch in one differentiable all-reduce,
// so the gradient also flows through the other ranks' use of this rank's statistics.
torch::Tensor SyncBatchNorm2dImpl::synchronisedForward(const torch::Tensor& x) {
  const int64_t c = x.size(1);
  const std::vector<int64_t> dims{0, 2, 3};
  const torch::Tensor count = torch::full({1}, static_cast<double>(x.numel() / c), x.options());
  const torch::Tensor total = ranks_->sum(torch::cat({x.sum(dims), (x * x).sum(dims), count}));  // [2C + 1]
  const torch::Tensor n = total.slice(0, 2 * c).detach();                                            // [1]
  const torch::Tensor mean = total.slice(0, 0, c) / n;                                               // [C]
  const torch::Tensor var = total.slice(0, c, 2 * c) / n - mean * mean;                              // [C], biased
  {
    torch::NoGradGuard noGrad;
    running_mean.mul_(1 - momentum_).add_(mean.detach() * momentum_);
    running_var.mul_(1 - momentum_).add_(var.detach() * (n / (n - 1)) * momentum_);  // unbiased, as BatchNorm2d keeps it
  }
  const auto channel = [](const torch::Tensor& t) { return t.view({1, -1, 1, 1}); };
  const torch::Tensor scale = torch::rsqrt(var + eps_);
  if (!weight.defined()) return (x - channel(mean)) * channel(scale);
  return (x - channel(mean)) * channel(scale * weight) + channel(bias);
}

void synchroniseBatchNorm(torch::nn::Module& module, const std::shared_ptr<DataParallel>& ranks) {
  for (const auto& child : module.modules()) {
    if (auto* bn = child->as<SyncBatchNorm2dImpl>()) bn->synchronise(ranks);
  }
}

}  // namespace genrep
