#include "genrep/study/StudyResults.h"

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/study/MethodTable.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

// A point's result in the shape evaluateRun writes (eval/Evaluation.h), accuracies in percent.
nlohmann::json result(double linear, double knn, double fewShot, const std::string& cpu) {
  return {{"linear", {{"top1", linear / 100}}},
          {"knn", {{"top1", knn / 100}}},
          {"few_shot", {{"mean", fewShot / 100}, {"spread", 0.01}}},
          {"cpu_seconds", 100.0},
          {"provenance", {{"cpu_model", cpu}, {"cpu_flags", "avx2"}, {"libtorch", "2.11.0"}, {"commit", "abc"}}}};
}

// Gaussian against Tx only at seeds 0-2, with differences (gaussian - tx, points) whose 95 % t
// intervals are known: t(0.975, 2) = 4.302653; half width = t * sd / sqrt(3).
struct MethodTableStudy {
  StudyDefinition study;
  std::vector<StudyPoint> points;
  std::vector<nlohmann::json> results;
  MethodTableStudy() {
    study.name = "methods";
    study.summary = "two methods";
    study.references = {"simclr-gaussian", "simclr-tx"};
    study.comparisons = {"simclr-gaussian vs simclr-tx"};
    const double linearGain[] = {2.0, 2.2, 1.8};  // mean 2, sd 0.2: [1.503, 2.497], holds
    const double knnGain[] = {-1.0, -1.1, -0.9};  // mean -1, sd 0.1: reversed
    const double fewShotGain[] = {1.0, -1.0, 0.5};  // within noise
    for (int64_t seed = 0; seed < 3; ++seed) {
      const std::string cpu = seed == 2 ? "Intel Xeon" : "AMD EPYC";
      points.push_back({findMethod("simclr-gaussian"), "", seed, {}, ""});
      results.push_back(result(80 + linearGain[seed], 70 + knnGain[seed], 60 + fewShotGain[seed], cpu));
      points.push_back({findMethod("simclr-tx"), "", seed, {}, ""});
      results.push_back(result(80, 70, 60, seed == 2 ? "AMD EPYC" : cpu));  // seed 2's pair spans two machines
    }
  }
};

TEST(StudyResults, PairedDifferencesPerProbeWithTheirIntervalsAndVerdicts) {
  const MethodTableStudy s;
  const nlohmann::json comparisons = comparisonResults(s.study, s.points, s.results);
  ASSERT_EQ(comparisons.size(), 1u);
  const nlohmann::json& c = comparisons[0];
  EXPECT_EQ(c["declared"], "simclr-gaussian vs simclr-tx");
  EXPECT_EQ(c["mixed_pairs"], 1);
  const double halfWidth = 4.302653 * 0.2 / std::sqrt(3.0);
  const nlohmann::json& linear = c["probes"]["linear"];
  EXPECT_EQ(linear["seeds"], (std::vector<int64_t>{0, 1, 2}));
  EXPECT_NEAR(linear["mean"].get<double>(), 2.0, 1e-9);
  EXPECT_NEAR(linear["low"].get<double>(), 2.0 - halfWidth, 1e-5);
  EXPECT_NEAR(linear["high"].get<double>(), 2.0 + halfWidth, 1e-5);
  EXPECT_EQ(linear["verdict"], "holds");
  EXPECT_EQ(c["probes"]["knn"]["verdict"], "reversed");
  EXPECT_EQ(c["probes"]["few_shot"]["verdict"], "within noise");
  EXPECT_FALSE(c["probes"].contains("transfer_linear")) << "no second probe dataset";
  const std::string table = comparisonTable(comparisons);
  EXPECT_NE(table.find("| simclr-gaussian vs simclr-tx | 3 (1 across machines) | +2.00 ["), std::string::npos) << table;
  EXPECT_NE(table.find("] reversed |"), std::string::npos) << table;
}

TEST(StudyResults, AComparisonWithOneSeedOrNoneYetSaysSo) {
  MethodTableStudy s;
  for (size_t i = 2; i < s.results.size(); ++i) s.results[i] = nullptr;  // only seed 0 finished
  nlohmann::json comparisons = comparisonResults(s.study, s.points, s.results);
  EXPECT_EQ(comparisons[0]["probes"]["linear"]["verdict"], "1 seed: no verdict");
  EXPECT_NE(comparisonTable(comparisons).find("+2.00 (1 seed: no verdict)"), std::string::npos);
  s.results[1] = nullptr;
  comparisons = comparisonResults(s.study, s.points, s.results);
  EXPECT_TRUE(comparisons[0]["probes"].empty());
  EXPECT_NE(comparisonTable(comparisons).find("not run yet"), std::string::npos);
}

TEST(StudyResults, TableAndResultsFilesFromTheFinishedPoints) {
  const MethodTableStudy s;
  ConfigSchema schema;
  addRunKeys(schema);
  schema.addInt("eval.few_shot_per_class", 10, "shots");
  const Config config = Config::fromToml(schema, "", "test", {"run.threads=2"});
  test::TempDir dir;
  std::vector<nlohmann::json> results = s.results;
  results[5] = nullptr;  // tx at seed 2 not finished yet
  writeStudyResults(dir.path(), s.study, config, s.points, results, 0);
  const std::string table = readFileText(dir.path() / "table.md");
  EXPECT_NE(table.find("genrep experiment methods: two methods"), std::string::npos) << table;
  EXPECT_NE(table.find("5 of 6 points"), std::string::npos) << table;
  EXPECT_NE(table.find("mixed provenance: the points ran on 2 machine(s)"), std::string::npos) << table;
  EXPECT_NE(table.find("| " + findMethod("simclr-gaussian")->label + " | 82.00 ± 0.20 |"), std::string::npos) << table;
  EXPECT_NE(table.find("few-shot 10/class"), std::string::npos) << table;
  const nlohmann::json json = readJsonFile(dir.path() / "results.json");
  EXPECT_EQ(json["study"], "methods");
  EXPECT_EQ(json["points"].size(), 5u);
  EXPECT_EQ(json["seeds_done"], 3);
  ASSERT_EQ(json["rows"].size(), 2u);
  EXPECT_EQ(json["rows"][1]["per_seed"].size(), 2u);
  EXPECT_EQ(json["comparisons"][0]["probes"]["linear"]["seeds"], (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(json["provenance"]["machines"].size(), 2u);
  EXPECT_FALSE(json["settings"].contains("run.threads")) << "where it ran is not a setting of the results";
  EXPECT_EQ(json["settings"]["eval.few_shot_per_class"], 10);
}

}  // namespace
}  // namespace genrep
