#pragma once
// Hinge losses of the GAN (Lim & Ye 2017; SAGAN, BigGAN).
//   D: mean(relu(1 - D(x_real))) + mean(relu(1 + D(x_fake)))
//   G: -mean(D(G(z)))
#include <torch/torch.h>

namespace genrep {

torch::Tensor hingeDiscriminatorLoss(const torch::Tensor& realScores, const torch::Tensor& fakeScores);  // [B], [B]
torch::Tensor hingeGeneratorLoss(const torch::Tensor& fakeScores);                                       // [B]

}  // namespace genrep
