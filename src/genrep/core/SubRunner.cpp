#include "genrep/core/SubRunner.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/RunSettings.h"

namespace genrep {

SubRunner::SubRunner(const ConfigSchema& schema, std::vector<KeyRole> counted) : schema_(schema), counted_(std::move(counted)) {}

nlohmann::json SubRunner::run(const SubRun& sub, const Config& config, const Work& work) const {
  const std::filesystem::path resultFile = sub.folder / kResultFile;
  // The keys of the counted roles decide; a result made before some key
  // existed is reused while that key holds its default (RunSettings::changesSince).
  const RunSettings settings(config, schema_, {}, counted_);
  removeStaleTemporaries(sub.folder);  // what a killed run was writing here
  std::error_code ec;
  if (std::filesystem::exists(resultFile, ec)) {
    nlohmann::json stored = readJsonFile(resultFile);
    if (!stored.contains("settings_signature")) {
      fmt::print("{:<38} {} predates result signatures: evaluated again\n", sub.label, resultFile.string());
    } else if (const auto changes = settings.changesSince(stored["settings_signature"].get<std::string>()); !changes.empty()) {
      throw std::invalid_argument(fmt::format("{} was made with other settings ({}{}); use another --run-name for new settings, or "
                                              "delete it",
                                              resultFile.string(), changes.front(),
                                              changes.size() > 1 ? fmt::format(" and {} more", changes.size() - 1) : ""));
    } else {
      fmt::print("{:<38} reused {}\n", sub.label, resultFile.string());
      return stored;
    }
  }
  std::filesystem::create_directories(sub.folder);
  writeFileAtomic(sub.folder / "config.toml", config.toToml());
  fmt::print("\n== {} ({})\n", sub.label, sub.folder.string());
  nlohmann::json result = work(config, sub.folder);
  result["method"] = sub.id;
  result["settings_signature"] = settings.json();
  writeFileAtomic(resultFile, result.dump(2) + "\n");
  return result;
}

}  // namespace genrep
