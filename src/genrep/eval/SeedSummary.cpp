#include "genrep/eval/SeedSummary.h"

#include <stdexcept>

#include <fmt/format.h>

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

std::string percentCell(const nlohmann::json& row, const char* probe, bool withSpread) {
  const double mean = 100 * row[probe]["mean"].get<double>(), spread = 100 * row[probe]["spread"].get<double>();
  return withSpread ? fmt::format("{:.2f} ± {:.2f}", mean, spread) : fmt::format("{:.2f}", mean);
}

std::string methodTableMarkdown(const nlohmann::json& rows, bool several, int64_t fewShotPerClass) {
  std::string table = fmt::format("| method | linear top-1 % | kNN top-1 % | few-shot {}/class top-1 % | views/s |\n|---|---|---|---|---|\n",
                                  fewShotPerClass);
  for (const nlohmann::json& row : rows) {
    table += fmt::format("| {} | {} | {} | {} | {} |\n", row["label"].get<std::string>(), percentCell(row, "linear_top1", several),
                         percentCell(row, "knn_top1", several), percentCell(row, "few_shot", true),
                         row.contains("views_per_second") ? fmt::format("{:.0f}", row["views_per_second"].get<double>()) : "-");
  }
  return table;
}

}  // namespace genrep
