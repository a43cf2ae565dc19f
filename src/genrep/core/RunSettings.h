#pragma once
// Which settings decide what a run computes, and what changed since a checkpoint or a result
// was made with them. Operational keys never count: run.* (threads, device, names, folders)
// except run.seed, how often a run logs, checkpoints or probes, whether it resumes, and which
// thread makes its views.
//
//   RunSettings settings(config, schema, {"data", "gan"}, {"gan.steps"});
//   checkpoint.settings = settings.json();
//   for (const std::string& change : settings.changesSince(stored)) ...   // "gan.lr_d: 0.0004 -> 0.0002"
#include <string>
#include <vector>

namespace genrep {

class Config;
class ConfigSchema;

// run.* but run.seed; *.checkpoint_every, *.log_every, *.eval_every, *.resume, *.monitor_*.
bool isOperationalKey(const std::string& key);

class RunSettings {
 public:
  RunSettings() = default;
  // The keys of `sections` (every section when empty) and run.seed, less the operational
  // ones and `exempt` (a key, or a prefix when it ends with '.').
  RunSettings(const Config& config, const ConfigSchema& schema, std::vector<std::string> sections,
              std::vector<std::string> exempt = {});

  // A deciding value that is not a config key (the data-parallel world size); `before` is
  // what a run made before it was recorded had.
  void add(const std::string& key, int64_t value, int64_t before);

  // A JSON object of the deciding keys and their values, flat ("section.key").
  const std::string& json() const { return values_; }

  // One "key: before -> now" per difference from `stored` (an earlier json(); keys that do
  // not decide the result are ignored in it). A key `stored` lacks was added to genrep after
  // it was made, and counts as unchanged while it holds its default; a key only `stored`
  // has is no longer known and counts as changed. Unparseable `stored`: one entry saying so.
  std::vector<std::string> changesSince(const std::string& stored) const;

 private:
  bool decides(const std::string& key) const;
  std::vector<std::string> sections_, exempt_, extra_;
  std::string values_ = "{}", defaults_ = "{}";
};

}  // namespace genrep
