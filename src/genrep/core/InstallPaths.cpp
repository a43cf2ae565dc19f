#include "genrep/core/InstallPaths.h"

#include <cstdlib>
#include <system_error>

namespace genrep {

namespace {

// `inCheckout` (relative to the working folder), then <prefix>/share/genrep/<installed> beside
// the running binary, then `inCheckout` in the source tree genrep was built from.
std::vector<std::filesystem::path> shippedFolderCandidates(const std::filesystem::path& inCheckout, const std::string& installed) {
  std::vector<std::filesystem::path> candidates = {inCheckout};
  std::error_code ec;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(binary.parent_path().parent_path() / "share" / "genrep" / installed);
#ifdef GENREP_SOURCE_DIR
  candidates.push_back(std::filesystem::path(GENREP_SOURCE_DIR) / inCheckout);
#endif
  return candidates;
}

}  // namespace

std::vector<std::filesystem::path> modelsFolderCandidates() { return shippedFolderCandidates("models", "models"); }

std::vector<std::filesystem::path> studyFolderCandidates() { return shippedFolderCandidates(std::filesystem::path("configs") / "studies", "studies"); }

std::filesystem::path shippedModelsFolder() {
  for (const std::filesystem::path& folder : modelsFolderCandidates()) {
    std::error_code ec;
    if (std::filesystem::is_directory(folder / kShippedGenerator, ec)) return folder;
  }
  return {};
}

std::filesystem::path userCacheFolder() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && std::filesystem::path(xdg).is_absolute()) return std::filesystem::path(xdg) / "genrep";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".cache" / "genrep";
  return std::filesystem::temp_directory_path() / "genrep-cache";
}

}  // namespace genrep
