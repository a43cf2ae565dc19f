#include "genrep/core/InstallPaths.h"

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

// Sets (or unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value->c_str(), 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(InstallPaths, TheCacheFollowsXdgThenHome) {
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "/var/cache/someone");
    EXPECT_EQ(userCacheFolder(), std::filesystem::path("/var/cache/someone/genrep"));
  }
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "relative/cache");  // the XDG specification: ignore it
    ScopedEnv home("HOME", "/home/someone");
    EXPECT_EQ(userCacheFolder(), std::filesystem::path("/home/someone/.cache/genrep"));
  }
  {
    ScopedEnv xdg("XDG_CACHE_HOME", std::nullopt);
    ScopedEnv home("HOME", std::nullopt);
    EXPECT_EQ(userCacheFolder().filename(), "genrep-cache");
  }
}

TEST(InstallPaths, ModelsAreLookedForHereThenBesideTheBinaryThenInTheSourceTree) {
  const std::vector<std::filesystem::path> candidates = modelsFolderCandidates();
  ASSERT_EQ(candidates.size(), 3u);
  EXPECT_EQ(candidates[0], std::filesystem::path("models"));
  EXPECT_EQ(candidates[1].lexically_relative(candidates[1].parent_path().parent_path().parent_path()),
            std::filesystem::path("share/genrep/models"));
  EXPECT_TRUE(std::filesystem::is_directory(candidates[2] / "fashion-mnist-cgan")) << candidates[2];

  // From a folder without models/, the first that exists is the source tree's.
  test::TempDir dir;
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const std::filesystem::path found = shippedModelsFolder();
  std::filesystem::current_path(before);
  EXPECT_EQ(found, candidates[2]);
}

}  // namespace
}  // namespace genrep
