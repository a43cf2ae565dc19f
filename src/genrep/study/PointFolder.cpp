#include "genrep/study/PointFolder.h"

#include <algorithm>
#include <cstdint>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/Hash.h"
#include "genrep/core/RunSettings.h"
#include "genrep/core/SubRunner.h"
#include "genrep/study/MethodTable.h"
#include "genrep/study/StudyPoint.h"

namespace genrep {
namespace {

// A key genrep gained since a point was made holds its default in every stored config, so it
// changes no name.
uint32_t settingsHash(const std::string& settings) { return static_cast<uint32_t>(fnv1a(settings.data(), settings.size())); }

// The deciding settings of the point stored in `folder` (its config.toml) under today's schema;
// empty when it has none or names a key genrep no longer knows (another point).
std::string storedDecidingSettings(const std::filesystem::path& folder, const ConfigSchema& schema) {
  const std::filesystem::path toml = folder / "config.toml";
  std::error_code ec;
  if (!std::filesystem::exists(toml, ec)) return "";
  try {
    return decidingSettings(Config::fromToml(schema, readFileText(toml), toml.string(), {}), schema);
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

const std::vector<KeyRole>& studyCountedRoles() {
  static const std::vector<KeyRole> roles = {KeyRole::Decides, KeyRole::Measures};
  return roles;
}

std::string decidingSettings(const Config& config, const ConfigSchema& schema) {
  return RunSettings(config, schema, {}, studyCountedRoles()).json();
}

std::filesystem::path pointFolder(const std::filesystem::path& run, const StudyPoint& point, const Config& config,
                                  const ConfigSchema& schema, bool adopt) {
  const std::filesystem::path methodFolder = run / "points" / point.method->id;
  std::string value = point.value.empty() ? "" : point.value + "-";
  if (!point.value2.empty()) value += point.value2 + "-";
  std::replace(value.begin(), value.end(), '|', '+');  // a name a shell takes as it is
  const std::string prefix = fmt::format("{}seed-{}-", value, point.seed);
  const uint32_t hash = settingsHash(decidingSettings(config, schema));
  const std::filesystem::path folder = methodFolder / fmt::format("{}{:08x}", prefix, hash);
  std::error_code ec;
  if (std::filesystem::exists(folder, ec) || !std::filesystem::is_directory(methodFolder, ec)) return folder;
  for (const auto& entry : std::filesystem::directory_iterator(methodFolder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() != prefix.size() + 8) continue;
    const std::string stored = storedDecidingSettings(entry.path(), schema);
    if (stored.empty() || settingsHash(stored) != hash) continue;
    if (!adopt) return entry.path();
    std::filesystem::rename(entry.path(), folder);
    fmt::print("renamed {} -> {} (the same settings; keys added to genrep since hold their defaults)\n", entry.path().string(),
               folder.filename().string());
    break;
  }
  return folder;
}

std::filesystem::path finishedTwin(const std::filesystem::path& root, const std::filesystem::path& folder, const std::string& method,
                                   const Config& config, const ConfigSchema& schema) {
  const std::string settings = decidingSettings(config, schema);
  const std::string suffix = fmt::format("-{:08x}", settingsHash(settings));
  std::error_code ec;
  for (const auto& study : std::filesystem::directory_iterator(root, ec)) {
    const std::filesystem::path points = study.path() / "points" / method;
    if (!std::filesystem::is_directory(points, ec)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(points, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
      if (std::filesystem::equivalent(entry.path(), folder, ec) || !std::filesystem::exists(entry.path() / SubRunner::kResultFile, ec)) {
        continue;
      }
      if (storedDecidingSettings(entry.path(), schema) == settings) return entry.path();
    }
  }
  return {};
}

void adoptTwin(const std::filesystem::path& twin, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  writeFileAtomic(folder / "config.toml", readFileText(twin / "config.toml"));
  std::error_code ec;
  if (std::filesystem::exists(twin / "metrics.jsonl", ec)) writeFileAtomic(folder / "metrics.jsonl", readFileText(twin / "metrics.jsonl"));
  nlohmann::json result = readJsonFile(twin / SubRunner::kResultFile);
  result["reused_from"] = twin.string();
  writeFileAtomic(folder / SubRunner::kResultFile, result.dump(2) + "\n");
  fmt::print("reused {} as {} (the same settings)\n", twin.string(), folder.string());
}

}  // namespace genrep
