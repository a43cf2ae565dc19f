#pragma once
// Weighted k-nearest-neighbour classification on frozen features (as in
// InstDisc / SimCLR evaluations): cosine similarity of L2-normalised features, the k most
// similar training images vote for their class with weight exp(similarity / T).
//
//   double top1 = knnAccuracy(train, trainLabels, test, testLabels, classes, 200, 0.1);
#include <cstdint>

#include <torch/torch.h>

namespace genrep {

// bank [N, F], bankLabels [N] int64, queries [M, F], queryLabels [M] -> top-1 accuracy.
double knnAccuracy(const torch::Tensor& bank, const torch::Tensor& bankLabels, const torch::Tensor& queries,
                   const torch::Tensor& queryLabels, int64_t classes, int64_t k, double temperature);

// The class each query is given: [M] int64.
torch::Tensor knnPredict(const torch::Tensor& bank, const torch::Tensor& bankLabels, const torch::Tensor& queries,
                         int64_t classes, int64_t k, double temperature);

}  // namespace genrep
