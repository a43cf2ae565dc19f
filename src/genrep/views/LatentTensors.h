#pragma once
// Latent codes (views/LatentView.h, which stays LibTorch-free) as the tensors a generator takes:
// the one place where a batch of codes becomes z and y.
//
//   std::vector<LatentCode> codes = {latents.anchor(0), latents.neighbour(0, 1)};
//   LatentTensors t = latentTensors(codes, latents.latentDim());  // t.z [2, Z], t.y [2]
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "genrep/views/LatentView.h"

namespace genrep {

struct LatentTensors {
  torch::Tensor z;  // [N, Z] float32
  torch::Tensor y;  // [N] int64, -1 for an unconditional generator's codes
};

// Throws std::invalid_argument naming the code whose z is not latentDim long.
LatentTensors latentTensors(const std::vector<LatentCode>& codes, int64_t latentDim);

}  // namespace genrep
