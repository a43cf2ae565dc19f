#include "genrep/study/StudyPlan.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <system_error>
#include <utility>

#include "genrep/core/FileIO.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/settings/ViewKeys.h"
#include "genrep/views/ViewSourceOptions.h"
#include "genrep/study/MethodTable.h"
#include "genrep/study/PointFolder.h"
#include "genrep/study/StudyResults.h"
#include "genrep/views/LatentView.h"

namespace genrep {
namespace {

// Steering views with no walks named: the study's own walks.
bool usesStudyWalks(const Config& config) {
  return needsGenerator(sourceKindFromConfig(config)) && latentViewNeedsWalks(parseLatentViewKind(config.getString("views.latent"))) &&
         config.getString("views.walks").empty();
}

}  // namespace

StudyPlan::StudyPlan(StudyDefinition studyIn, const Config& configIn, const ConfigSchema& schema, std::filesystem::path homeIn,
                     int64_t seeds, bool adopt)
    : study(std::move(studyIn)),
      config(configIn),
      home(std::move(homeIn)),
      firstSeed(static_cast<int64_t>(runOptionsFromConfig(configIn).seed)),
      schema_(schema) {
  points = studyPoints(study, firstSeed, seeds);
  const std::string base = config.toToml();
  for (StudyPoint& point : points) {
    Config c = Config::fromToml(schema, base, "experiment point", point.overrides);
    if (usesStudyWalks(c)) {
      point.overrides.push_back("views.walks=" + walks().string());
      c = Config::fromToml(schema, base, "experiment point", point.overrides);
    }
    configs.push_back(std::move(c));
  }
  const std::filesystem::path root = home.has_parent_path() ? home.parent_path() : std::filesystem::path(".");
  results.resize(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    folders.push_back(pointFolder(home, points[i], configs[i], schema, adopt));
    twins.emplace_back();
    if (!finished(i)) {
      twins[i] = finishedTwin(root, folders[i], points[i].method->id, configs[i], schema);
      if (adopt && !twins[i].empty()) {
        adoptTwin(twins[i], folders[i]);
        twins[i].clear();
      }
    }
    if (finished(i)) results[i] = readJsonFile(folders[i] / SubRunner::kResultFile);
  }
}

bool StudyPlan::finished(size_t i) const {
  std::error_code ec;
  return std::filesystem::exists(folders.at(i) / SubRunner::kResultFile, ec);
}

size_t StudyPlan::done() const {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(), [](const nlohmann::json& r) { return !r.is_null(); }));
}

const nlohmann::json& StudyPlan::runPoint(size_t i, const SubRunner::Work& work) {
  const StudyPoint& point = points.at(i);
  const SubRunner runner(schema_, studyCountedRoles());
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpuStart = std::clock();
  results[i] = runner.run({point.method->id, pointLabel(study, point), folders[i]}, configs[i],
                          [&](const Config& c, const std::filesystem::path& folder) {
                            nlohmann::json r = work(c, folder);
                            // A point resumed after an interruption counts only what this process ran.
                            r["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                            r["cpu_seconds"] = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
                            return r;
                          });
  return results[i];
}

void StudyPlan::writeResults() const { writeStudyResults(home, study, config, points, results, firstSeed); }

}  // namespace genrep
