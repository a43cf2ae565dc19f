#include "genrep/eval/FeatureMap.h"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace genrep {

nlohmann::json FeatureMap::toJson() const { return {{"x", x}, {"y", y}, {"labels", labels}, {"explained", explained}}; }

FeatureMap principalMap(const torch::Tensor& features, const torch::Tensor& labels) {
  if (features.dim() != 2 || features.size(0) < 2 || features.size(1) < 2 || labels.dim() != 1 || labels.size(0) != features.size(0)) {
    throw std::invalid_argument(fmt::format("principalMap: features must be [N, F] with N, F >= 2 and labels [N]; got {} and {}",
                                            features.sizes().vec(), labels.sizes().vec()));
  }
  const torch::Tensor x = features.to(torch::kFloat64);
  const torch::Tensor centred = x - x.mean(0, /*keepdim=*/true);  // [N, F]
  const auto [u, s, vh] = torch::linalg_svd(centred, /*full_matrices=*/false);
  torch::Tensor coordinates = u.narrow(1, 0, 2) * s.narrow(0, 0, 2);  // [N, 2]
  const torch::Tensor largest = coordinates.abs().argmax(0);           // [2]
  for (int64_t c = 0; c < 2; ++c) {
    if (coordinates[largest[c]][c].item<double>() < 0) coordinates.select(1, c).neg_();
  }
  const torch::Tensor squares = s.square();
  FeatureMap map;
  map.explained = (squares.narrow(0, 0, 2).sum() / squares.sum().clamp_min(1e-300)).item<double>();
  const torch::Tensor points = coordinates.to(torch::kFloat32).contiguous();
  const torch::Tensor xs = points.select(1, 0).contiguous(), ys = points.select(1, 1).contiguous();
  map.x.assign(xs.data_ptr<float>(), xs.data_ptr<float>() + xs.numel());
  map.y.assign(ys.data_ptr<float>(), ys.data_ptr<float>() + ys.numel());
  const torch::Tensor l = labels.to(torch::kInt64).contiguous();
  map.labels.assign(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
  return map;
}

}  // namespace genrep
