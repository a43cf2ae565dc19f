#include "genrep/eval/SeedSummary.h"

#include <stdexcept>

#include "genrep/core/MeanSpread.h"

namespace genrep {

nlohmann::json summariseOverSeeds(const std::string& id, const std::string& label, const std::vector<nlohmann::json>& results,
                                  int64_t firstSeed) {
  if (results.empty()) throw std::invalid_argument("summariseOverSeeds: no results for " + id);
  std::vector<double> linear, knn, fewShot, fewShotSpread, viewsPerSecond;
  nlohmann::json perSeed = nlohmann::json::array();
  for (size_t s = 0; s < results.size(); ++s) {
    const nlohmann::json& r = results[s];
    linear.push_back(r["linear"]["top1"].get<double>());
    knn.push_back(r["knn"]["top1"].get<double>());
    fewShot.push_back(r["few_shot"]["mean"].get<double>());
    fewShotSpread.push_back(r["few_shot"]["spread"].get<double>());
    if (r.contains("training")) viewsPerSecond.push_back(r["training"]["views_per_second"].get<double>());
    perSeed.push_back({{"seed", firstSeed + static_cast<int64_t>(s)},
                       {"linear_top1", linear.back()},
                       {"knn_top1", knn.back()},
                       {"few_shot_mean", fewShot.back()},
                       {"few_shot_spread_over_draws", fewShotSpread.back()}});
  }
  const MeanSpread l = meanAndSpread(linear), k = meanAndSpread(knn), f = meanAndSpread(fewShot);
  nlohmann::json row = {{"method", id},
                        {"label", label},
                        {"linear_top1", {{"mean", l.mean}, {"spread", l.spread}}},
                        {"knn_top1", {{"mean", k.mean}, {"spread", k.spread}}},
                        {"few_shot", {{"mean", f.mean}, {"spread", results.size() > 1 ? f.spread : fewShotSpread.front()}}},
                        {"per_seed", perSeed}};
  if (!viewsPerSecond.empty()) row["views_per_second"] = meanAndSpread(viewsPerSecond).mean;
  return row;
}

}  // namespace genrep
