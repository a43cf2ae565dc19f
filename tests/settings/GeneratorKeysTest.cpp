#include "genrep/settings/GeneratorKeys.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/InstallPaths.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

std::string resolvedIn(const std::filesystem::path& folder, const std::vector<std::string>& overrides) {
  ConfigSchema schema;
  addGeneratorKeys(schema);
  const Config config = Config::fromToml(schema, "", "test", overrides);
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(folder);
  const std::string path = generatorPathFromConfig(config);
  std::filesystem::current_path(before);
  return path;
}

TEST(GeneratorKeys, TheDefaultFindsTheShippedGeneratorFromAnyFolder) {
  test::TempDir elsewhere;
  EXPECT_EQ(resolvedIn(elsewhere.path(), {}), (modelsFolderCandidates().back() / kShippedGenerator).string())
      << "no models/ here: the source tree's";
  std::filesystem::create_directories(elsewhere / "models" / kShippedGenerator);
  EXPECT_EQ(resolvedIn(elsewhere.path(), {}), "models/fashion-mnist-cgan") << "a models/ here comes first, as it was";
}

TEST(GeneratorKeys, ASetPathIsTakenAsItIs) {
  test::TempDir elsewhere;
  EXPECT_EQ(resolvedIn(elsewhere.path(), {"gen.path=my/generator"}), "my/generator");
}

}  // namespace
}  // namespace genrep
