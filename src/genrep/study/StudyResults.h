#pragma once
// What a study's finished points say: per method and axis value the mean and spread over the
// seeds done (eval/SeedSummary.h), each declared comparison's paired difference with its
// interval and verdict (study/PairedDifference.h), what each point cost, and the machines,
// LibTorch versions and commits the points ran on. Written as the experiment folder's
// table.md (for a reader) and results.json (for `genrep report` and scripts); rewritten after
// every point, so a study read half-way shows what it has. No LibTorch in this header.
//
//   writeStudyResults(run, study, config, points, results, /*firstSeed*/ 0);  // run/table.md, run/results.json
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/study/StudyDefinition.h"
#include "genrep/study/StudyPoint.h"

namespace genrep {

class Config;

// Each declared comparison (study.comparisons, expanded over the study's lines) as an object:
// name, declared, mixed_pairs (pairs whose two points ran on different machines or LibTorch
// versions) and, per probe scored on both sides at a common seed (linear, knn, few_shot and
// transfer_* on a second probe dataset), seeds, differences, mean, low, high (percentage points,
// A - B) and verdict. `results[i]` is points[i]'s result, null while it is not finished.
nlohmann::json comparisonResults(const StudyDefinition& study, const std::vector<StudyPoint>& points,
                                 const std::vector<nlohmann::json>& results);

// The comparisons as a Markdown table (mean [95 % interval] verdict per probe); "" when none.
std::string comparisonTable(const nlohmann::json& comparisons);

// results.json and table.md in `run` from the finished points (`results[i]` null: not yet).
// `config`: the study's (eval.few_shot_per_class for the headers; its deciding keys are kept as
// the file's "settings"). Atomic writes.
void writeStudyResults(const std::filesystem::path& run, const StudyDefinition& study, const Config& config,
                       const std::vector<StudyPoint>& points, const std::vector<nlohmann::json>& results, int64_t firstSeed);

}  // namespace genrep
