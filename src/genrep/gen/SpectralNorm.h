#pragma once
// Spectral normalisation (Miyato et al. 2018), which LibTorch 1.13's C++ API lacks: the
// weight is divided by an estimate of its largest singular value, refined by one power
// iteration per training forward pass. u and v are buffers, so they are saved, loaded
// and left unchanged in eval mode.
//
//   SNConv2d conv(SNConv2dOptions(32, 64, 4).stride(2).padding(1));
//   torch::Tensor y = conv(x);   // x [B, 32, H, W] -> [B, 64, H/2, W/2]
#include <torch/torch.h>

namespace genrep {

// Registers u [rows] and v [cols] on `module`; normalise() returns weight / sigma.
class SpectralNormState {
 public:
  void registerOn(torch::nn::Module& module, int64_t rows, int64_t cols);
  // weight [rows, ...]; updates u and v when `training`. sigma keeps its gradient
  // with respect to the weight, as in the reference implementation.
  torch::Tensor normalise(const torch::Tensor& weight, bool training);
  torch::Tensor sigma(const torch::Tensor& weight) const;  // current estimate, no update

 private:
  torch::Tensor u_, v_;
};

struct SNConv2dOptions {
  SNConv2dOptions(int64_t in, int64_t out, int64_t kernel) : in_(in), out_(out), kernel_(kernel) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(int64_t, kernel);
  TORCH_ARG(int64_t, stride) = 1;
  TORCH_ARG(int64_t, padding) = 0;
};

class SNConv2dImpl : public torch::nn::Module {
 public:
  explicit SNConv2dImpl(const SNConv2dOptions& options);
  torch::Tensor forward(const torch::Tensor& x);  // x [B, in, H, W]
  torch::Tensor weight, bias;
  SpectralNormState norm;
  SNConv2dOptions options;
};
TORCH_MODULE(SNConv2d);

class SNLinearImpl : public torch::nn::Module {
 public:
  SNLinearImpl(int64_t in, int64_t out, bool withBias = true);
  torch::Tensor forward(const torch::Tensor& x);  // x [B, in] -> [B, out]
  torch::Tensor weight, bias;
  SpectralNormState norm;
};
TORCH_MODULE(SNLinear);

// A class embedding whose table [classes, dim] is spectrally normalised (projection D).
class SNEmbeddingImpl : public torch::nn::Module {
 public:
  SNEmbeddingImpl(int64_t classes, int64_t dim);
  torch::Tensor forward(const torch::Tensor& y);  // y [B] int64 -> [B, dim]
  torch::Tensor weight;
  SpectralNormState norm;
};
TORCH_MODULE(SNEmbedding);

}  // namespace genrep
