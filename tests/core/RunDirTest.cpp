#include "genrep/core/RunDir.h"

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

TEST(RunDir, GeneratedNamesNeverCollide) {
  test::TempDir dir;
  const RunDir a = RunDir::create(dir / "runs", "", "data-info");
  const RunDir b = RunDir::create(dir / "runs", "", "data-info");
  EXPECT_NE(a.path(), b.path());
  EXPECT_TRUE(std::filesystem::is_directory(a.path()));
  EXPECT_EQ(a.path().filename().string().rfind("data-info-", 0), 0u);
}

TEST(RunDir, GivenNameIsReusedSoACommandCanContinue) {
  test::TempDir dir;
  const RunDir a = RunDir::create(dir.path(), "demo", "demo");
  test::writeText(a.file("done.txt"), "x");
  const RunDir b = RunDir::create(dir.path(), "demo", "demo");
  EXPECT_EQ(a.path(), b.path());
  EXPECT_TRUE(std::filesystem::exists(b.file("done.txt")));
}

TEST(RunDir, BadNamesAndBlockedRootsAreErrors) {
  test::TempDir dir;
  EXPECT_THROW(RunDir::create(dir.path(), "a/b", "x"), std::invalid_argument);
  test::writeText(dir / "file", "in the way");
  EXPECT_THROW(RunDir::create(dir / "file", "", "x"), std::runtime_error);
}

TEST(RunDir, SavesTheResolvedConfig) {
  test::TempDir dir;
  ConfigSchema schema;
  schema.addInt("run.seed", 0, "seed");
  const Config config = Config::resolve(schema, "", {"run.seed=9"});
  const RunDir run = RunDir::create(dir.path(), "r", "x");
  run.saveConfig(config.toToml());
  EXPECT_NE(readFileText(run.file("config.toml")).find("seed = 9"), std::string::npos);
}

}  // namespace
}  // namespace genrep
