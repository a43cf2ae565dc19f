#pragma once
// A 2-D map of an encoder's features for a scatter coloured by class: their coordinates on the
// first two principal components (the directions of largest variance of the centred features),
// as solo-learn draws its automatic UMAP; PCA needs no extra library and is deterministic.
//
//   FeatureMap map = principalMap(features, labels);   // features [N, F], labels [N]
//   map.x[i], map.y[i], map.labels[i]; map.explained    // share of the variance the two hold
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace genrep {

struct FeatureMap {
  std::vector<float> x, y;
  std::vector<int64_t> labels;
  double explained = 0;  // (s1^2 + s2^2) / sum s_i^2 of the centred features' singular values

  nlohmann::json toJson() const;  // {"x", "y", "labels", "explained"}
};

// features [N, F] (N >= 2, F >= 2), labels [N]. Each component's sign is fixed so that its
// largest coordinate in absolute value is positive. Throws std::invalid_argument for other shapes.
FeatureMap principalMap(const torch::Tensor& features, const torch::Tensor& labels);

}  // namespace genrep
