#include "genrep/core/RunDir.h"

#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"

namespace genrep {
namespace {

void makeFolder(const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec || !std::filesystem::is_directory(folder)) {
    throw std::runtime_error(fmt::format("cannot create run folder {}: {} (set run.root to a writable folder)",
                                         folder.string(), ec ? ec.message() : "a file is in the way"));
  }
}

}  // namespace

RunDir RunDir::create(const std::filesystem::path& root, const std::string& name, const std::string& command) {
  if (!name.empty()) {
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
      throw std::invalid_argument(fmt::format("run.name '{}' must be a plain folder name (use run.root for the parent)", name));
    }
    makeFolder(root / name);
    removeStaleTemporaries(root / name);  // a named folder is continued: clear what a killed run left
    return RunDir(root / name);
  }
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  makeFolder(root);
  const std::string base = fmt::format("{}-{}", command, stamp);
  for (int suffix = 1;; ++suffix) {
    const std::filesystem::path candidate = root / (suffix == 1 ? base : fmt::format("{}-{}", base, suffix));
    std::error_code ec;
    // create_directory reports whether it made the folder: two runs started in the same
    // second cannot both take it.
    if (std::filesystem::create_directory(candidate, ec)) return RunDir(candidate);
    if (ec) {
      throw std::runtime_error(fmt::format("cannot create run folder {}: {}", candidate.string(), ec.message()));
    }
  }
}

void RunDir::saveConfig(const std::string& toml) const { writeFileAtomic(file("config.toml"), toml); }

}  // namespace genrep
