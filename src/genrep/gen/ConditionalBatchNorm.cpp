#include "genrep/gen/ConditionalBatchNorm.h"

namespace genrep {

ConditionalBatchNormImpl::ConditionalBatchNormImpl(int64_t features, int64_t classes_) : classes(classes_) {
  norm = register_module("norm", SyncBatchNorm2d(features, /*affine=*/false));
  gain = register_parameter("gain", torch::ones({std::max<int64_t>(classes, 1), features}));
  bias = register_parameter("bias", torch::zeros({std::max<int64_t>(classes, 1), features}));
}

torch::Tensor ConditionalBatchNormImpl::forward(const torch::Tensor& x, const torch::Tensor& y) {
  const torch::Tensor normalised = norm(x);
  const int64_t batch = x.size(0), features = x.size(1);
  if (classes == 0) {
    return normalised * gain.view({1, features, 1, 1}) + bias.view({1, features, 1, 1});
  }
  return normalised * gain.index_select(0, y).view({batch, features, 1, 1}) +
         bias.index_select(0, y).view({batch, features, 1, 1});
}

std::pair<torch::Tensor, torch::Tensor> ConditionalBatchNormImpl::evalAffine(const torch::Tensor& y) const {
  const torch::Tensor inverseDeviation = torch::rsqrt(norm->running_var + norm->eps());  // [F]
  const torch::Tensor classGain = classes == 0 ? gain : gain.index_select(0, y);      // [B or 1, F]
  const torch::Tensor classBias = classes == 0 ? bias : bias.index_select(0, y);
  const torch::Tensor scale = classGain * inverseDeviation;
  const torch::Tensor shift = classBias - norm->running_mean * scale;
  return {scale.view({scale.size(0), -1, 1, 1}), shift.view({shift.size(0), -1, 1, 1})};
}

}  // namespace genrep
