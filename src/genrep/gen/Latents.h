#pragma once
// Anchor latents (README, "Generators"): z = truncation * TN(-2, 2) per dimension, TN the standard
// normal truncated to [-2, 2] (values outside are redrawn, so the law is exact).
//
//   torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(seed);
//   torch::Tensor z = sampleLatents(256, 64, 1.0, rng);   // [256, 64]
#include <torch/torch.h>

namespace genrep {

torch::Tensor truncatedNormal(torch::IntArrayRef shape, double bound, torch::Generator& rng);
torch::Tensor sampleLatents(int64_t count, int64_t latentDim, double truncation, torch::Generator& rng);
// Uniform class labels [count] int64 in [0, classes).
torch::Tensor sampleClasses(int64_t count, int64_t classes, torch::Generator& rng);

}  // namespace genrep
