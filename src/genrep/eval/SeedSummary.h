#pragma once
// One row of a results table from a method's probe results at several seeds (each an
// evaluateFeatures record, eval/Evaluation.h): mean and spread over the seeds of the linear,
// kNN and few-shot accuracies, the per-seed values, and the training speed when trained. With
// one seed the few-shot spread is over its draws (the only repetition there is).
//
//   nlohmann::json row = summariseOverSeeds("simclr-tx", "SimCLR, Tx only", {r0, r1, r2}, /*firstSeed*/ 0);
//   row["linear_top1"]["mean"], row["linear_top1"]["spread"], row["per_seed"][1]["knn_top1"], ...
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace genrep {

// `results[s]` was made with seed firstSeed + s. Throws std::invalid_argument when empty.
nlohmann::json summariseOverSeeds(const std::string& id, const std::string& label, const std::vector<nlohmann::json>& results,
                                  int64_t firstSeed);

// A table cell of such a row: `probe`'s mean in percent ("linear_top1", "knn_top1", "few_shot"),
// with "± spread" when `withSpread`.
std::string percentCell(const nlohmann::json& row, const char* probe, bool withSpread);
// Rows as a Markdown table: method | linear | kNN | few-shot | views/s. `several`: linear and kNN
// with their spread over seeds.
std::string methodTableMarkdown(const nlohmann::json& rows, bool several, int64_t fewShotPerClass);

}  // namespace genrep
