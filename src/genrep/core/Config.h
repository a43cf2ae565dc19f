#pragma once
// Typed settings from a TOML file plus command-line overrides, checked against a schema.
// Precedence: schema default < config file < overrides (`--set key=value`). Unknown keys,
// wrong value types and values outside a key's choices are errors that name the key.
//
//   genrep::ConfigSchema schema;
//   schema.addString("data.format", "fashion-mnist", "dataset format", {"idx", "fashion-mnist"});
//   schema.addFloat("data.val_fraction", 0.1, "share of train carved out for validation");
//   genrep::Config config = genrep::Config::resolve(schema, "run.toml", {"data.val_fraction=0.2"});
//   double f = config.getFloat("data.val_fraction");   // 0.2
//   genrep::writeFileAtomic(runDir / "config.toml", config.toToml());
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace genrep {

// Settings checks read as one line each: requireSetting(steps >= 1, "gan.steps must be >= 1").
// Throws std::invalid_argument with the message, which names the key and the fix.
inline void requireSetting(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

enum class ConfigType { Bool, Int, Float, String };
using ConfigValue = std::variant<bool, int64_t, double, std::string>;

const char* configTypeName(ConfigType type);

// What a setting decides, declared with the key: whether a checkpoint, a reused sub-run or a
// study point made with another value is another result (core/RunSettings.h).
enum class KeyRole {
  Decides,      // what a run computes (the default)
  Operational,  // how a run runs or watches itself: threads, device, folders, logging, checkpoint
                // cadence, resuming, prefetching, caches, monitors (read off the weights, never fed back)
  Measures,     // how a trained encoder is measured (eval.*): a probe's result, not the weights
  Walks,        // how steering walks are learned (steer.*): the walks, which a run names by folder
  Chooses,      // which runs a command makes (demo.*, experiment.*): never one run's result
  Extent,       // how far a run goes (gan.steps): its checkpoint continues to more
};

struct ConfigKey {
  std::string name;  // dotted: "section.key"
  ConfigType type;
  ConfigValue defaultValue;
  std::string help;
  std::vector<std::string> choices;  // strings only; empty = any
  KeyRole role = KeyRole::Decides;
};

class ConfigSchema {
 public:
  ConfigSchema& addBool(const std::string& name, bool defaultValue, std::string help);
  ConfigSchema& addInt(const std::string& name, int64_t defaultValue, std::string help);
  ConfigSchema& addFloat(const std::string& name, double defaultValue, std::string help);
  ConfigSchema& addString(const std::string& name, std::string defaultValue, std::string help,
                          std::vector<std::string> choices = {});

  // The role of the key declared last: schema.addInt("run.threads", 0, "...").role(KeyRole::Operational).
  ConfigSchema& role(KeyRole role);

  // A command's own default for a shared key (the demo's budget); the type must match.
  ConfigSchema& setDefault(const std::string& name, ConfigValue value);

  const ConfigKey* find(const std::string& name) const;
  bool isSection(const std::string& prefix) const;  // some key starts with "prefix."
  // Section names in declaration order ("" first, for keys outside any section).
  std::vector<std::string> sections() const;
  const std::vector<ConfigKey>& keys() const { return keys_; }
  // The closest known key to a misspelt one, or "" when none is close.
  std::string suggest(const std::string& name) const;

 private:
  ConfigSchema& add(ConfigKey key);
  std::vector<ConfigKey> keys_;
};

class Config {
 public:
  // `file` may be empty (defaults and overrides only). `presets` are assignments between the
  // defaults and the file (a preset flag such as --quick). Throws std::invalid_argument
  // naming the file or override and the key on any problem.
  static Config resolve(const ConfigSchema& schema, const std::filesystem::path& file,
                        const std::vector<std::string>& overrides, const std::vector<std::string>& presets = {});
  // As resolve(), with several files, each above the one before (a study's file below the
  // user's --config); empty paths are skipped.
  static Config resolve(const ConfigSchema& schema, const std::vector<std::filesystem::path>& files,
                        const std::vector<std::string>& overrides, const std::vector<std::string>& presets = {});
  // As resolve(), from TOML text; `source` names it in errors.
  static Config fromToml(const ConfigSchema& schema, const std::string& tomlText, const std::string& source,
                         const std::vector<std::string>& overrides, const std::vector<std::string>& presets = {});

  bool getBool(const std::string& key) const;
  int64_t getInt(const std::string& key) const;
  double getFloat(const std::string& key) const;
  const std::string& getString(const std::string& key) const;

  // Every key of the schema with its resolved value, as TOML / as a JSON object.
  std::string toToml() const;
  nlohmann::json toJson() const;
  // The schema it was resolved against.
  const ConfigSchema& schema() const { return schema_; }

 private:
  explicit Config(const ConfigSchema& schema);
  const ConfigValue& get(const std::string& key, ConfigType type) const;
  void applyToml(const std::string& tomlText, const std::string& source);
  void applyOverride(const std::string& assignment);
  void checkChoices() const;

  ConfigSchema schema_;
  std::map<std::string, ConfigValue> values_;
};

}  // namespace genrep
