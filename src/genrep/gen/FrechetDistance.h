#pragma once
// Fréchet distance between two sets of features, each summarised as a Gaussian:
//   FD = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2))
// computed in double precision; tr((S1 S2)^(1/2)) = tr((R S2 R)^(1/2)) with R = S1^(1/2),
// a symmetric form whose eigenvalues are real and >= 0 (tiny negative rounding clamped).
//
//   double fd = frechetDistance(realFeatures, fakeFeatures);   // [N, D], [M, D]
#include <torch/torch.h>

namespace genrep {

double frechetDistance(const torch::Tensor& featuresA, const torch::Tensor& featuresB);
// mean [D], covariance [D, D]
double frechetDistanceFromMoments(const torch::Tensor& meanA, const torch::Tensor& covA, const torch::Tensor& meanB,
                                  const torch::Tensor& covB);

}  // namespace genrep
