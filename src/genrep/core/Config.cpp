#include "genrep/core/Config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "genrep/core/ClosestName.h"
#include "genrep/core/FileIO.h"

namespace genrep {
namespace {

std::string leafName(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string valueText(const ConfigValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return fmt::format("\"{}\"", v);
        else return fmt::format("{}", v);
      },
      value);
}

std::string unknownKeyMessage(const ConfigSchema& schema, const std::string& key) {
  const std::string suggestion = schema.suggest(key);
  if (!suggestion.empty()) return fmt::format("unknown key '{}' (did you mean '{}'?)", key, suggestion);
  return fmt::format("unknown key '{}' (see the resolved config.toml of any run for the known keys)", key);
}

std::string tomlNodeKind(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

// Converts a TOML value to the key's type, or returns nothing when the types do not fit.
std::optional<ConfigValue> fromTomlNode(const toml::node& node, ConfigType type) {
  switch (type) {
    case ConfigType::Bool:
      if (auto v = node.value_exact<bool>()) return ConfigValue{*v};
      break;
    case ConfigType::Int:
      if (auto v = node.value_exact<int64_t>()) return ConfigValue{*v};
      break;
    case ConfigType::Float:
      if (node.is_floating_point()) return ConfigValue{*node.value_exact<double>()};
      if (auto v = node.value_exact<int64_t>()) return ConfigValue{static_cast<double>(*v)};
      break;
    case ConfigType::String:
      if (auto v = node.value_exact<std::string>()) return ConfigValue{*v};
      break;
  }
  return std::nullopt;
}

std::optional<ConfigValue> fromText(std::string text, ConfigType type) {
  switch (type) {
    case ConfigType::Bool: {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return ConfigValue{true};
      if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return ConfigValue{false};
      return std::nullopt;
    }
    case ConfigType::Int: {
      int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return ConfigValue{value};
    }
    case ConfigType::Float: {
      if (text.empty()) return std::nullopt;
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
      return ConfigValue{value};
    }
    case ConfigType::String:
      if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
        text = text.substr(1, text.size() - 2);
      }
      return ConfigValue{text};
  }
  return std::nullopt;
}

}  // namespace

const char* configTypeName(ConfigType type) {
  switch (type) {
    case ConfigType::Bool: return "a boolean";
    case ConfigType::Int: return "an integer";
    case ConfigType::Float: return "a float";
    case ConfigType::String: return "a string";
  }
  return "?";
}

ConfigSchema& ConfigSchema::add(ConfigKey key) {
  if (key.name.empty() || key.name.front() == '.' || key.name.back() == '.') {
    throw std::logic_error(fmt::format("ConfigSchema: bad key name '{}'", key.name));
  }
  if (find(key.name)) throw std::logic_error(fmt::format("ConfigSchema: key '{}' declared twice", key.name));
  if (isSection(key.name)) throw std::logic_error(fmt::format("ConfigSchema: '{}' is already a section", key.name));
  keys_.push_back(std::move(key));
  return *this;
}

ConfigSchema& ConfigSchema::role(KeyRole role) {
  if (keys_.empty()) throw std::logic_error("ConfigSchema: role() before any key");
  keys_.back().role = role;
  return *this;
}

ConfigSchema& ConfigSchema::setDefault(const std::string& name, ConfigValue value) {
  for (ConfigKey& key : keys_) {
    if (key.name != name) continue;
    if (key.defaultValue.index() != value.index()) {
      throw std::logic_error(fmt::format("ConfigSchema: new default of '{}' has another type", name));
    }
    key.defaultValue = std::move(value);
    return *this;
  }
  throw std::logic_error(fmt::format("ConfigSchema: setDefault of undeclared key '{}'", name));
}

ConfigSchema& ConfigSchema::addBool(const std::string& name, bool defaultValue, std::string help) {
  return add({name, ConfigType::Bool, defaultValue, std::move(help), {}});
}
ConfigSchema& ConfigSchema::addInt(const std::string& name, int64_t defaultValue, std::string help) {
  return add({name, ConfigType::Int, defaultValue, std::move(help), {}});
}
ConfigSchema& ConfigSchema::addFloat(const std::string& name, double defaultValue, std::string help) {
  return add({name, ConfigType::Float, defaultValue, std::move(help), {}});
}
ConfigSchema& ConfigSchema::addString(const std::string& name, std::string defaultValue, std::string help,
                                      std::vector<std::string> choices) {
  return add({name, ConfigType::String, std::move(defaultValue), std::move(help), std::move(choices)});
}

const ConfigKey* ConfigSchema::find(const std::string& name) const {
  for (const ConfigKey& key : keys_) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

bool ConfigSchema::isSection(const std::string& prefix) const {
  const std::string withDot = prefix + ".";
  return std::any_of(keys_.begin(), keys_.end(),
                     [&](const ConfigKey& key) { return key.name.compare(0, withDot.size(), withDot) == 0; });
}

std::vector<std::string> ConfigSchema::sections() const {
  std::vector<std::string> out;
  for (const ConfigKey& key : keys_) {
    const size_t dot = key.name.rfind('.');
    const std::string section = dot == std::string::npos ? "" : key.name.substr(0, dot);
    if (std::find(out.begin(), out.end(), section) == out.end()) out.push_back(section);
  }
  // Keys outside any section come first, as TOML needs them before the first [section].
  std::stable_partition(out.begin(), out.end(), [](const std::string& s) { return s.empty(); });
  return out;
}

std::string ConfigSchema::suggest(const std::string& name) const {
  std::vector<std::string> names;
  for (const ConfigKey& key : keys_) names.push_back(key.name);
  const std::string best = closestName(name, names);
  if (!best.empty()) return best;
  // Right key in the wrong section?
  for (const ConfigKey& key : keys_) {
    if (leafName(key.name) == leafName(name)) return key.name;
  }
  return "";
}

Config::Config(const ConfigSchema& schema) : schema_(schema) {
  for (const ConfigKey& key : schema_.keys()) values_[key.name] = key.defaultValue;
}

Config Config::resolve(const ConfigSchema& schema, const std::filesystem::path& file,
                       const std::vector<std::string>& overrides, const std::vector<std::string>& presets) {
  return resolve(schema, std::vector<std::filesystem::path>{file}, overrides, presets);
}

Config Config::resolve(const ConfigSchema& schema, const std::vector<std::filesystem::path>& files,
                       const std::vector<std::string>& overrides, const std::vector<std::string>& presets) {
  Config config(schema);
  for (const std::string& assignment : presets) config.applyOverride(assignment);
  for (const std::filesystem::path& file : files) {
    if (file.empty()) continue;
    std::string text;
    try {
      text = readFileText(file);
    } catch (const std::runtime_error& error) {
      throw std::invalid_argument(fmt::format("config: {} (check the --config path)", error.what()));
    }
    config.applyToml(text, file.string());
  }
  for (const std::string& assignment : overrides) config.applyOverride(assignment);
  config.checkChoices();
  return config;
}

Config Config::fromToml(const ConfigSchema& schema, const std::string& tomlText, const std::string& source,
                        const std::vector<std::string>& overrides, const std::vector<std::string>& presets) {
  Config config(schema);
  for (const std::string& assignment : presets) config.applyOverride(assignment);
  if (!tomlText.empty()) config.applyToml(tomlText, source);
  for (const std::string& assignment : overrides) config.applyOverride(assignment);
  config.checkChoices();
  return config;
}

void Config::applyToml(const std::string& tomlText, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(tomlText, source);
  } catch (const toml::parse_error& error) {
    throw std::invalid_argument(fmt::format("config {}:{}:{}: {}", source, error.source().begin.line,
                                            error.source().begin.column, error.description()));
  }
  // Walks nested tables; `prefix` is the dotted path of `table`.
  const auto walk = [&](const auto& self, const toml::table& table, const std::string& prefix) -> void {
    for (const auto& [name, node] : table) {
      const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
      const ConfigKey* spec = schema_.find(key);
      if (!spec && node.is_table() && schema_.isSection(key)) {
        self(self, *node.as_table(), key);
        continue;
      }
      if (!spec && node.is_table()) {
        throw std::invalid_argument(fmt::format("config {}:{}: unknown section [{}] (known sections: {})", source,
                                                node.source().begin.line, key, fmt::join(schema_.sections(), ", ")));
      }
      if (!spec) {
        throw std::invalid_argument(fmt::format("config {}:{}: {}", source, node.source().begin.line,
                                                unknownKeyMessage(schema_, key)));
      }
      std::optional<ConfigValue> value = fromTomlNode(node, spec->type);
      if (!value) {
        throw std::invalid_argument(fmt::format("config {}:{}: key '{}' must be {}, got {}", source,
                                                node.source().begin.line, key, configTypeName(spec->type),
                                                tomlNodeKind(node)));
      }
      values_[key] = std::move(*value);
    }
  };
  walk(walk, root, "");
}

void Config::applyOverride(const std::string& assignment) {
  const size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw std::invalid_argument(
        fmt::format("override '{}': expected key=value, for example data.val_fraction=0.2", assignment));
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  const ConfigKey* spec = schema_.find(key);
  if (!spec) throw std::invalid_argument(fmt::format("override '{}': {}", assignment, unknownKeyMessage(schema_, key)));
  std::optional<ConfigValue> value = fromText(text, spec->type);
  if (!value) {
    throw std::invalid_argument(fmt::format("override '{}': key '{}' must be {}, got '{}'", assignment, key,
                                            configTypeName(spec->type), text));
  }
  values_[key] = std::move(*value);
}

void Config::checkChoices() const {
  for (const ConfigKey& key : schema_.keys()) {
    if (key.choices.empty()) continue;
    const std::string& value = std::get<std::string>(values_.at(key.name));
    if (std::find(key.choices.begin(), key.choices.end(), value) == key.choices.end()) {
      throw std::invalid_argument(fmt::format("config: key '{}' is \"{}\", expected one of: {}", key.name, value,
                                              fmt::join(key.choices, ", ")));
    }
  }
}

const ConfigValue& Config::get(const std::string& key, ConfigType type) const {
  const ConfigKey* spec = schema_.find(key);
  if (!spec) throw std::logic_error(fmt::format("Config: key '{}' is not in this command's schema", key));
  if (spec->type != type) {
    throw std::logic_error(fmt::format("Config: key '{}' is {}, read as {}", key, configTypeName(spec->type),
                                       configTypeName(type)));
  }
  return values_.at(key);
}

bool Config::getBool(const std::string& key) const { return std::get<bool>(get(key, ConfigType::Bool)); }
int64_t Config::getInt(const std::string& key) const { return std::get<int64_t>(get(key, ConfigType::Int)); }
double Config::getFloat(const std::string& key) const { return std::get<double>(get(key, ConfigType::Float)); }
const std::string& Config::getString(const std::string& key) const {
  return std::get<std::string>(get(key, ConfigType::String));
}

std::string Config::toToml() const {
  // Sections in schema order, keys in schema order, each with its help as a comment.
  const std::vector<std::string> sections = schema_.sections();
  std::string out;
  for (const std::string& section : sections) {
    if (!section.empty()) out += fmt::format("{}[{}]\n", out.empty() ? "" : "\n", section);
    for (const ConfigKey& key : schema_.keys()) {
      const size_t dot = key.name.rfind('.');
      if ((dot == std::string::npos ? "" : key.name.substr(0, dot)) != section) continue;
      const ConfigValue& value = values_.at(key.name);
      std::string text;
      if (const auto* s = std::get_if<std::string>(&value)) {
        std::ostringstream quoted;
        quoted << toml::value<std::string>(*s);  // TOML-escaped
        text = quoted.str();
      } else if (const auto* d = std::get_if<double>(&value)) {
        text = fmt::format("{}", *d);
        if (text.find_first_of(".eEn") == std::string::npos) text += ".0";  // keep it a TOML float
      } else {
        text = valueText(value);
      }
      out += fmt::format("{} = {}  # {}\n", leafName(key.name), text, key.help);
    }
  }
  return out;
}

nlohmann::json Config::toJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const ConfigKey& key : schema_.keys()) {
    std::visit([&](const auto& v) { out[key.name] = v; }, values_.at(key.name));
  }
  return out;
}

}  // namespace genrep
