#pragma once
// Improved precision and recall of a generator (Kynkäänniemi et al., NeurIPS 2019), the
// quality measure that needs no classes: each set of features is taken as the union of balls
// around its points, each ball reaching the point's k-th nearest neighbour in its own set.
//   precision  share of generated points inside the real set's balls (are the samples realistic?)
//   recall     share of real points inside the generated set's balls (is the data covered?)
// Fréchet distance mixes the two; a generator that collapses to a few modes keeps a high
// precision and loses recall.
//
//   PrecisionRecall pr = precisionRecall(realFeatures, fakeFeatures, 3);   // [N, D], [M, D]
#include <cstdint>

#include <torch/torch.h>

namespace genrep {

struct PrecisionRecall {
  double precision = 0, recall = 0;
};

// Distances in float64, in row blocks (memory O(block x N)). Throws std::invalid_argument
// unless both sets are [*, D] with the same D and more than k points.
PrecisionRecall precisionRecall(const torch::Tensor& real, const torch::Tensor& generated, int64_t k = 3);

// The radius of each point's ball: the distance to its k-th nearest other point in the set. [N]
torch::Tensor kNearestRadii(const torch::Tensor& points, int64_t k);

}  // namespace genrep
