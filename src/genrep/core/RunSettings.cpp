#include "genrep/core/RunSettings.h"

#include <algorithm>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "genrep/core/Config.h"

namespace genrep {
namespace {

bool startsWith(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

std::string shown(const nlohmann::json& value) { return value.is_null() ? "(none)" : value.dump(); }

}  // namespace

RunSettings::RunSettings(const Config& config, const ConfigSchema& schema, std::vector<std::string> sections,
                         std::vector<KeyRole> counted)
    : sections_(std::move(sections)), counted_(std::move(counted)) {
  for (const ConfigKey& key : schema.keys()) roles_[key.name] = key.role;
  nlohmann::json values = nlohmann::json::object(), defaults = nlohmann::json::object();
  const nlohmann::json all = config.toJson();
  for (const auto& [key, value] : all.items()) {
    if (!decides(key)) continue;
    values[key] = value;
    if (const ConfigKey* known = schema.find(key)) {
      defaults[key] = std::visit([](const auto& v) { return nlohmann::json(v); }, known->defaultValue);
    }
  }
  values_ = values.dump();
  defaults_ = defaults.dump();
}

void RunSettings::add(const std::string& key, int64_t value, int64_t before) {
  nlohmann::json values = nlohmann::json::parse(values_), defaults = nlohmann::json::parse(defaults_);
  values[key] = value;
  defaults[key] = before;
  values_ = values.dump();
  defaults_ = defaults.dump();
  extra_.push_back(key);
}

bool RunSettings::decides(const std::string& key) const {
  for (const std::string& e : extra_) {
    if (key == e) return true;
  }
  if (const auto known = roles_.find(key); known != roles_.end()) {
    if (std::find(counted_.begin(), counted_.end(), known->second) == counted_.end()) return false;
  }
  if (key == "run.seed" || sections_.empty()) return true;
  for (const std::string& section : sections_) {
    if (startsWith(key, section + ".")) return true;
  }
  return false;
}

std::vector<std::string> RunSettings::changesSince(const std::string& stored) const {
  const nlohmann::json before = nlohmann::json::parse(stored, nullptr, false);
  if (before.is_discarded() || !before.is_object()) return {"the stored settings are not a JSON object"};
  const nlohmann::json now = nlohmann::json::parse(values_), defaults = nlohmann::json::parse(defaults_);
  std::vector<std::string> changes;
  for (const auto& [key, value] : now.items()) {
    if (before.contains(key)) {
      if (before[key] != value) changes.push_back(fmt::format("{}: {} -> {}", key, shown(before[key]), shown(value)));
    } else if (!defaults.contains(key) || defaults[key] != value) {
      changes.push_back(fmt::format("{}: (default) -> {}", key, shown(value)));
    }
  }
  for (const auto& [key, value] : before.items()) {
    if (decides(key) && !now.contains(key)) changes.push_back(fmt::format("{}: {} -> (no longer a setting)", key, shown(value)));
  }
  return changes;
}

}  // namespace genrep
