#include "genrep/core/RunSettings.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "genrep/core/Config.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

ConfigSchema schema() {
  ConfigSchema s;
  s.addInt("run.seed", 0, "seed");
  s.addInt("run.threads", 0, "threads").role(KeyRole::Operational);
  s.addString("run.name", "", "name").role(KeyRole::Operational);
  s.addInt("learn.steps", 10, "steps");
  s.addInt("learn.checkpoint_every", 100, "operational").role(KeyRole::Operational);
  s.addBool("learn.resume", true, "operational").role(KeyRole::Operational);
  s.addInt("learn.log_every", 10, "operational").role(KeyRole::Operational);
  s.addFloat("views.sigma", 0.5, "sigma");
  s.addInt("eval.fit_images", 100, "probe").role(KeyRole::Measures);
  s.addInt("demo.seeds", 1, "bookkeeping").role(KeyRole::Chooses);
  return s;
}

RunSettings settings(const std::vector<std::string>& overrides, std::vector<std::string> sections = {},
                     std::vector<KeyRole> counted = {KeyRole::Decides}) {
  const ConfigSchema s = schema();
  return RunSettings(Config::fromToml(s, "", "test", overrides), s, std::move(sections), std::move(counted));
}

TEST(RunSettings, KeepsTheKeysOfTheCountedRolesInTheChosenSections) {
  EXPECT_EQ(nlohmann::json::parse(settings({}).json()), (nlohmann::json{{"run.seed", 0}, {"learn.steps", 10}, {"views.sigma", 0.5}}))
      << "operational keys and a command's choices never decide";
  EXPECT_EQ(nlohmann::json::parse(settings({}, {"learn"}).json()), (nlohmann::json{{"run.seed", 0}, {"learn.steps", 10}}));
  EXPECT_EQ(nlohmann::json::parse(settings({}, {}, {KeyRole::Decides, KeyRole::Measures}).json()),
            (nlohmann::json{{"run.seed", 0}, {"learn.steps", 10}, {"views.sigma", 0.5}, {"eval.fit_images", 100}}))
      << "a probed result counts how it is measured";
  EXPECT_EQ(nlohmann::json::parse(settings({}, {}, {KeyRole::Chooses}).json()), (nlohmann::json{{"demo.seeds", 1}}));
}

TEST(RunSettings, TheShippedDeclarationsSayWhatDecides) {
  ConfigSchema s;
  addRunKeys(s);
  addDeviceKey(s);
  for (const char* key : {"run.root", "run.name", "run.threads", "run.resume_changed", "run.timeout_s", "run.device"}) {
    EXPECT_EQ(s.find(key)->role, KeyRole::Operational) << key;
  }
  EXPECT_EQ(s.find("run.seed")->role, KeyRole::Decides);
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
  older["demo.seeds"] = 3;                 // a command's choice: ignored
  const auto changes = settings({}).changesSince(older.dump());
  EXPECT_EQ(changes, (std::vector<std::string>{"learn.threads_per_step: 3 -> (no longer a setting)"}));
  older.erase("learn.threads_per_step");
  EXPECT_TRUE(settings({}).changesSince(older.dump()).empty());
  EXPECT_EQ(settings({"views.sigma=0.9"}).changesSince(older.dump()), (std::vector<std::string>{"views.sigma: (default) -> 0.9"}));
  EXPECT_EQ(settings({}).changesSince("not json").size(), 1u);
}

}  // namespace
}  // namespace genrep
