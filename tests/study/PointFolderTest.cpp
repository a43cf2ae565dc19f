#include "genrep/study/PointFolder.h"

#include <regex>

#include <gtest/gtest.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/SubRunner.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/study/MethodTable.h"
#include "genrep/study/StudyPoint.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

ConfigSchema pointSchema() {
  ConfigSchema schema;
  addRunKeys(schema);
  schema.addFloat("views.sigma", 0.5, "step");
  schema.addInt("learn.steps", 400, "steps");
  schema.addInt("experiment.seeds", 3, "seeds").role(KeyRole::Chooses);
  schema.addInt("steer.steps", 300, "walk steps").role(KeyRole::Walks);
  schema.addInt("eval.fit_images", 100, "probe").role(KeyRole::Measures);
  return schema;
}

Config configWith(const ConfigSchema& schema, std::vector<std::string> overrides) {
  return Config::fromToml(schema, "", "test", overrides);
}

StudyPoint pointAt(const std::string& value, int64_t seed) { return StudyPoint{findMethod("simclr-gaussian"), value, seed, {}, ""}; }

// A finished point in `folder`: its config and its result.
void finish(const std::filesystem::path& folder, const Config& config, double linear) {
  std::filesystem::create_directories(folder);
  writeFileAtomic(folder / "config.toml", config.toToml());
  writeFileAtomic(folder / SubRunner::kResultFile, nlohmann::json{{"linear", {{"top1", linear}}}}.dump());
}

TEST(PointFolder, NamedByMethodValuesSeedAndTheHashOfWhatDecidesTheResult) {
  const ConfigSchema schema = pointSchema();
  test::TempDir dir;
  const Config config = configWith(schema, {"views.sigma=0.25"});
  StudyPoint point = pointAt("0.25", 2);
  point.value2 = "4|learn.batch=128";
  const std::filesystem::path folder = pointFolder(dir.path() / "experiment-sigma", point, config, schema);
  EXPECT_EQ(folder.parent_path(), dir.path() / "experiment-sigma" / "points" / "simclr-gaussian");
  EXPECT_TRUE(std::regex_match(folder.filename().string(), std::regex("0\\.25-4\\+learn\\.batch=128-seed-2-[0-9a-f]{8}")))
      << folder.filename() << ": '|' becomes '+'";
  // Keys that say how it runs, how a study is shown, or how its walks are learned: the same point.
  for (const char* same : {"run.threads=7", "experiment.seeds=1", "steer.steps=5", "run.root=elsewhere"}) {
    EXPECT_EQ(pointFolder(dir.path() / "experiment-sigma", point, configWith(schema, {"views.sigma=0.25", std::string(same)}), schema), folder) << same;
  }
  for (const char* other : {"learn.steps=60", "run.seed=1", "eval.fit_images=50"}) {
    EXPECT_NE(pointFolder(dir.path() / "experiment-sigma", point, configWith(schema, {"views.sigma=0.25", std::string(other)}), schema), folder) << other;
  }
}

TEST(PointFolder, AFolderAnOlderGenrepNamedForTheSameSettingsIsRenamedNotRunAgain) {
  const ConfigSchema schema = pointSchema();
  test::TempDir dir;
  const Config config = configWith(schema, {});
  const std::filesystem::path run = dir.path() / "experiment-sigma";
  const std::filesystem::path today = pointFolder(run, pointAt("0.5", 0), config, schema);
  const std::filesystem::path older = today.parent_path() / "0.5-seed-0-0badc0de";  // another hash, the same settings
  finish(older, config, 0.8);
  EXPECT_EQ(pointFolder(run, pointAt("0.5", 0), config, schema, /*adopt=*/false), older) << "a dry run only looks";
  EXPECT_TRUE(std::filesystem::exists(older));
  EXPECT_EQ(pointFolder(run, pointAt("0.5", 0), config, schema), today);
  EXPECT_FALSE(std::filesystem::exists(older));
  EXPECT_EQ(readJsonFile(today / SubRunner::kResultFile)["linear"]["top1"], 0.8);
  // One with other settings keeps its folder.
  const std::filesystem::path other = today.parent_path() / "0.5-seed-0-12345678";
  finish(other, configWith(schema, {"learn.steps=60"}), 0.7);
  pointFolder(run, pointAt("0.5", 0), config, schema);
  EXPECT_TRUE(std::filesystem::exists(other));
}

TEST(PointFolder, AFinishedTwinInAnotherStudyIsFoundAndAdoptedWithWhereItCameFrom) {
  const ConfigSchema schema = pointSchema();
  test::TempDir dir;
  const Config config = configWith(schema, {"views.sigma=0.5"});
  const std::filesystem::path mine = pointFolder(dir.path() / "experiment-samples", pointAt("", 1), config, schema);
  EXPECT_TRUE(finishedTwin(dir.path(), mine, "simclr-gaussian", config, schema).empty()) << "nothing finished yet";
  const std::filesystem::path twin = pointFolder(dir.path() / "experiment-sigma", pointAt("0.5", 1), config, schema);
  std::filesystem::create_directories(twin);
  writeFileAtomic(twin / "config.toml", config.toToml());
  EXPECT_TRUE(finishedTwin(dir.path(), mine, "simclr-gaussian", config, schema).empty()) << "an unfinished point is no twin";
  finish(twin, config, 0.83);
  writeFileAtomic(twin / "metrics.jsonl", "{\"step\": 1}\n");
  EXPECT_EQ(finishedTwin(dir.path(), mine, "simclr-gaussian", config, schema), twin);
  EXPECT_TRUE(finishedTwin(dir.path(), mine, "simclr-tx", config, schema).empty()) << "another method is another point";
  EXPECT_TRUE(finishedTwin(dir.path(), mine, "simclr-gaussian", configWith(schema, {"views.sigma=1.0"}), schema).empty());
  EXPECT_TRUE(finishedTwin(dir.path(), twin, "simclr-gaussian", config, schema).empty()) << "a point is not its own twin";
  adoptTwin(twin, mine);
  const nlohmann::json adopted = readJsonFile(mine / SubRunner::kResultFile);
  EXPECT_EQ(adopted["linear"]["top1"], 0.83);
  EXPECT_EQ(adopted["reused_from"], twin.string());
  EXPECT_EQ(readFileText(mine / "metrics.jsonl"), "{\"step\": 1}\n");
  EXPECT_EQ(readFileText(mine / "config.toml"), config.toToml());
}

}  // namespace
}  // namespace genrep
