#include "genrep/core/RunSettings.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "genrep/core/Config.h"

namespace genrep {
namespace {

ConfigSchema schema() {
  ConfigSchema s;
  s.addInt("run.seed", 0, "seed");
  s.addInt("run.threads", 0, "threads");
  s.addString("run.name", "", "name");
  s.addInt("learn.steps", 10, "steps");
  s.addInt("learn.checkpoint_every", 100, "operational");
  s.addBool("learn.resume", true, "operational");
  s.addFloat("views.sigma", 0.5, "sigma");
  s.addInt("demo.seeds", 1, "bookkeeping");
  return s;
}

RunSettings settings(const std::vector<std::string>& overrides, std::vector<std::string> sections = {},
                     std::vector<std::string> exempt = {}) {
  const ConfigSchema s = schema();
  return RunSettings(Config::fromToml(s, "", "test", overrides), s, std::move(sections), std::move(exempt));
}

TEST(RunSettings, KeepsTheDecidingKeysOfTheChosenSections) {
  EXPECT_TRUE(isOperationalKey("run.threads"));
  EXPECT_FALSE(isOperationalKey("run.seed"));
  EXPECT_TRUE(isOperationalKey("gan.eval_every"));
  EXPECT_FALSE(isOperationalKey("learn.steps"));
  EXPECT_TRUE(isOperationalKey("views.prefetch_threads")) << "the same views (tests/views/PrefetchedViewSourceTest.cpp)";
  EXPECT_TRUE(isOperationalKey("views.cache_mb")) << "the same views up to float rounding (tests/views/GeneratorViewSourceTest.cpp)";
  EXPECT_EQ(nlohmann::json::parse(settings({}).json()),
            (nlohmann::json{{"run.seed", 0}, {"learn.steps", 10}, {"views.sigma", 0.5}, {"demo.seeds", 1}}));
  EXPECT_EQ(nlohmann::json::parse(settings({}, {"learn"}).json()), (nlohmann::json{{"run.seed", 0}, {"learn.steps", 10}}));
  EXPECT_EQ(nlohmann::json::parse(settings({}, {}, {"demo.", "learn.steps"}).json()),
            (nlohmann::json{{"run.seed", 0}, {"views.sigma", 0.5}}));
}

TEST(RunSettings, ListsWhatChangedAndIgnoresWhereItRuns) {
  const std::string stored = settings({"views.sigma=0.25"}).json();
  EXPECT_TRUE(settings({"views.sigma=0.25", "run.threads=1", "run.name=x", "learn.checkpoint_every=5"}).changesSince(stored).empty());
  EXPECT_EQ(settings({"views.sigma=0.3", "learn.steps=20"}).changesSince(stored),
            (std::vector<std::string>{"learn.steps: 10 -> 20", "views.sigma: 0.25 -> 0.3"}));
}

TEST(RunSettings, KeysAddedLaterCountAtTheirDefaultAndRemovedKeysCount) {
  nlohmann::json older = nlohmann::json::parse(settings({}).json());
  older.erase("views.sigma");              // made before views.sigma existed
  older["learn.threads_per_step"] = 3;     // a key genrep no longer has
  older["learn.log_every"] = 7;            // operational: ignored
  const auto changes = settings({}).changesSince(older.dump());
  EXPECT_EQ(changes, (std::vector<std::string>{"learn.threads_per_step: 3 -> (no longer a setting)"}));
  older.erase("learn.threads_per_step");
  EXPECT_TRUE(settings({}).changesSince(older.dump()).empty());
  EXPECT_EQ(settings({"views.sigma=0.9"}).changesSince(older.dump()), (std::vector<std::string>{"views.sigma: (default) -> 0.9"}));
  EXPECT_EQ(settings({}).changesSince("not json").size(), 1u);
}

}  // namespace
}  // namespace genrep
