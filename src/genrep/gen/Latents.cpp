#include "genrep/gen/Latents.h"

#include <stdexcept>

namespace genrep {

torch::Tensor truncatedNormal(torch::IntArrayRef shape, double bound, torch::Generator& rng) {
  if (!(bound > 0)) throw std::invalid_argument("truncatedNormal: bound must be positive");
  torch::Tensor out = torch::randn(shape, rng, torch::kFloat32);
  // Redraw what falls outside; each round keeps ~95 % of the rest at bound 2.
  for (torch::Tensor outside = out.abs() > bound; outside.any().item<bool>(); outside = out.abs() > bound) {
    out = torch::where(outside, torch::randn(shape, rng, torch::kFloat32), out);
  }
  return out;
}

torch::Tensor sampleLatents(int64_t count, int64_t latentDim, double truncation, torch::Generator& rng) {
  if (!(truncation > 0)) throw std::invalid_argument("latent truncation must be positive");
  return truncatedNormal({count, latentDim}, 2.0, rng).mul_(truncation);
}

torch::Tensor sampleClasses(int64_t count, int64_t classes, torch::Generator& rng) {
  if (classes <= 0) throw std::invalid_argument("sampleClasses: the generator has no classes");
  return torch::randint(classes, {count}, rng, torch::kInt64);
}

}  // namespace genrep
