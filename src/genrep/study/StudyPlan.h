#pragma once
// A study laid out in its experiment folder: its points (study/StudyPoint.h), each point's
// config (the study's with the point's settings on top), its folder (study/PointFolder.h), a
// finished twin elsewhere under the same root, and the results so far. What `genrep experiment`
// runs, resumes and summarises, and what a C++ user drives point by point. No LibTorch in this
// header.
//
//   StudyPlan plan(study, config, schema, "runs/experiment-sigma", /*seeds*/ 3);
//   for (size_t i = 0; i < plan.points.size(); ++i)
//     if (plan.results[i].is_null()) plan.runPoint(i, [&](const Config& c, const std::filesystem::path& f) { return train(c, f); });
//   plan.writeResults();   // table.md, results.json
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/core/Config.h"
#include "genrep/core/SubRunner.h"
#include "genrep/study/StudyDefinition.h"
#include "genrep/study/StudyPoint.h"

namespace genrep {

class StudyPlan {
 public:
  // `config`: the study's resolved config (run.seed is the first seed); `home`: the experiment
  // folder (results.json, table.md, points/, walks/). A point with steering views and no
  // views.walks of its own gets the study's walks() (learned once, before the first such point
  // runs). `adopt`: rename points named by an older genrep and take finished twins as this
  // study's points (pointFolder, adoptTwin); without it (a dry run) nothing is written and
  // `twins` names them. Results of points already finished are read.
  StudyPlan(StudyDefinition study, const Config& config, const ConfigSchema& schema, std::filesystem::path home, int64_t seeds,
            bool adopt = true);

  StudyDefinition study;
  Config config;
  std::filesystem::path home;
  int64_t firstSeed = 0;
  std::vector<StudyPoint> points;
  std::vector<Config> configs;                // points[i]'s
  std::vector<std::filesystem::path> folders;  // points[i]'s
  std::vector<std::filesystem::path> twins;    // without `adopt`: a finished twin of a point not finished here
  std::vector<nlohmann::json> results;         // null: not finished

  // The steering walks of the points that name none.
  std::filesystem::path walks() const { return home / "walks"; }
  // Whether point i's result file exists (it may have been written by another process).
  bool finished(size_t i) const;
  // How many results are known.
  size_t done() const;

  // Runs point i in its folder through SubRunner (resuming, reused when finished, refused when
  // its folder holds another point), records what it cost (wall_seconds, cpu_seconds: this
  // process's, every thread's; generation included, as a user pays it) and keeps its result.
  const nlohmann::json& runPoint(size_t i, const SubRunner::Work& work);

  // table.md and results.json from the results so far (study/StudyResults.h).
  void writeResults() const;

 private:
  const ConfigSchema& schema_;
};

}  // namespace genrep
