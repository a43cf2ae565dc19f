#include "genrep/gen/GanLosses.h"

namespace genrep {

torch::Tensor hingeDiscriminatorLoss(const torch::Tensor& realScores, const torch::Tensor& fakeScores) {
  return torch::relu(1.0 - realScores).mean() + torch::relu(1.0 + fakeScores).mean();
}

torch::Tensor hingeGeneratorLoss(const torch::Tensor& fakeScores) { return -fakeScores.mean(); }

}  // namespace genrep
