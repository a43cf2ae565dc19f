#include "genrep/core/SubRunner.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

ConfigSchema schema() {
  ConfigSchema s;
  s.addInt("run.seed", 0, "seed");
  s.addInt("run.threads", 0, "operational").role(KeyRole::Operational);
  s.addFloat("views.sigma", 0.5, "decides");
  s.addInt("demo.seeds", 1, "bookkeeping").role(KeyRole::Chooses);
  return s;
}

// Work that counts its calls and returns a result made from the config.
struct CountingWork {
  int calls = 0;
  nlohmann::json operator()(const Config& config, const std::filesystem::path& folder) {
    ++calls;
    EXPECT_TRUE(std::filesystem::exists(folder / "config.toml")) << "the sub-run's config is written before it works";
    return {{"sigma", config.getFloat("views.sigma")}};
  }
};

TEST(SubRunner, MakesStoresAndThenReusesAResultWithTheSameSettings) {
  test::TempDir dir;
  const ConfigSchema s = schema();
  const SubRunner runner(s, {KeyRole::Decides});
  CountingWork work;
  const SubRun sub{"gaussian", "Gaussian views", dir / "seed-0" / "gaussian"};
  const auto run = [&](std::vector<std::string> overrides) {
    return runner.run(sub, Config::fromToml(s, "", "test", overrides), [&](const Config& c, const std::filesystem::path& f) { return work(c, f); });
  };

  const nlohmann::json made = run({"views.sigma=0.25"});
  EXPECT_EQ(work.calls, 1);
  EXPECT_EQ(made["sigma"], 0.25);
  EXPECT_EQ(made["method"], "gaussian");
  const nlohmann::json stored = readJsonFile(sub.folder / SubRunner::kResultFile);
  EXPECT_EQ(stored, made) << "what is returned is what is stored";
  EXPECT_EQ(nlohmann::json::parse(stored["settings_signature"].get<std::string>()),
            (nlohmann::json{{"run.seed", 0}, {"views.sigma", 0.25}}))
      << "operational keys and a command's choices do not decide";

  EXPECT_EQ(run({"views.sigma=0.25", "run.threads=7", "demo.seeds=3"}), made) << "only deciding keys count";
  EXPECT_EQ(work.calls, 1) << "a finished sub-run is reused, not run again";

  const std::string error = test::errorOf<std::invalid_argument>([&] { run({"views.sigma=0.5"}); });
  EXPECT_NE(error.find("eval.json"), std::string::npos) << error;
  EXPECT_NE(error.find("views.sigma: 0.25 -> 0.5"), std::string::npos) << error;
  EXPECT_EQ(work.calls, 1) << "a result made with other settings is refused, never overwritten";
  EXPECT_EQ(readJsonFile(sub.folder / SubRunner::kResultFile), stored);
}

TEST(SubRunner, RunsAgainWhereTheResultPredatesSignaturesOrWasNeverWritten) {
  test::TempDir dir;
  const ConfigSchema s = schema();
  const SubRunner runner(s, {KeyRole::Decides});
  CountingWork work;
  const SubRun sub{"tx", "Tx only", dir / "tx"};
  const Config config = Config::fromToml(s, "", "test", {});
  const auto call = [&](const Config& c, const std::filesystem::path& f) { return work(c, f); };

  // A writer killed mid-write (no such process now) left a temporary and no result: it is
  // removed, and the work runs.
  std::filesystem::create_directories(sub.folder);
  test::writeText(sub.folder / ".eval.json.tmp.2147483646.0", "half a result");
  runner.run(sub, config, call);
  EXPECT_EQ(work.calls, 1);
  EXPECT_FALSE(std::filesystem::exists(sub.folder / ".eval.json.tmp.2147483646.0"));

  test::writeText(sub.folder / SubRunner::kResultFile, R"({"sigma": 9})");
  EXPECT_EQ(runner.run(sub, config, call)["sigma"], 0.5) << "a result without a signature is made again";
  EXPECT_EQ(work.calls, 2);
}

}  // namespace
}  // namespace genrep
