#include "genrep/gen/SpectralNorm.h"

#include <cmath>

namespace genrep {
namespace {

namespace F = torch::nn::functional;

torch::Tensor unit(const torch::Tensor& x) { return F::normalize(x, F::NormalizeFuncOptions().dim(0).eps(1e-12)); }

// Same scheme as torch.nn's default Linear/Conv initialisation (Kaiming uniform, a = sqrt 5).
torch::Tensor initWeight(torch::IntArrayRef shape) {
  torch::Tensor w = torch::empty(shape);
  torch::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  return w;
}

}  // namespace

void SpectralNormState::registerOn(torch::nn::Module& module, int64_t rows, int64_t cols) {
  u_ = module.register_buffer("sn_u", unit(torch::randn({rows})));
  v_ = module.register_buffer("sn_v", unit(torch::randn({cols})));
}

torch::Tensor SpectralNormState::normalise(const torch::Tensor& weight, bool training) {
  const torch::Tensor matrix = weight.reshape({weight.size(0), -1});  // [rows, cols]
  if (training) {
    torch::NoGradGuard noGrad;
    v_.copy_(unit(torch::mv(matrix.t(), u_)));
    u_.copy_(unit(torch::mv(matrix, v_)));
  }
  // Clones: the next forward pass updates u and v in place while this pass's graph
  // still needs the values it used (D runs on real and fake images before backward).
  return weight / torch::dot(u_.clone(), torch::mv(matrix, v_.clone()));
}

torch::Tensor SpectralNormState::sigma(const torch::Tensor& weight) const {
  const torch::Tensor matrix = weight.reshape({weight.size(0), -1});
  return torch::dot(u_, torch::mv(matrix, v_));
}

SNConv2dImpl::SNConv2dImpl(const SNConv2dOptions& options_) : options(options_) {
  weight = register_parameter("weight", initWeight({options.out(), options.in(), options.kernel(), options.kernel()}));
  const double bound = 1.0 / std::sqrt(static_cast<double>(options.in() * options.kernel() * options.kernel()));
  bias = register_parameter("bias", torch::empty({options.out()}).uniform_(-bound, bound));
  norm.registerOn(*this, options.out(), options.in() * options.kernel() * options.kernel());
}

torch::Tensor SNConv2dImpl::forward(const torch::Tensor& x) {
  return F::conv2d(x, norm.normalise(weight, is_training()),
                   F::Conv2dFuncOptions().bias(bias).stride(options.stride()).padding(options.padding()));
}

SNLinearImpl::SNLinearImpl(int64_t in, int64_t out, bool withBias) {
  weight = register_parameter("weight", initWeight({out, in}));
  if (withBias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    bias = register_parameter("bias", torch::empty({out}).uniform_(-bound, bound));
  }
  norm.registerOn(*this, out, in);
}

torch::Tensor SNLinearImpl::forward(const torch::Tensor& x) {
  return F::linear(x, norm.normalise(weight, is_training()), bias);
}

SNEmbeddingImpl::SNEmbeddingImpl(int64_t classes, int64_t dim) {
  weight = register_parameter("weight", torch::randn({classes, dim}) * 0.02);
  norm.registerOn(*this, classes, dim);
}

torch::Tensor SNEmbeddingImpl::forward(const torch::Tensor& y) {
  return norm.normalise(weight, is_training()).index_select(0, y);
}

}  // namespace genrep
