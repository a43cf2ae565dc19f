#pragma once
// Which settings decide what a run computes, and what changed since a checkpoint or a result
// was made with them. Each key's declaration says what it decides (KeyRole, core/Config.h); a
// run counts the roles that decide its result: a GAN's checkpoint only Decides, an encoder's
// also the steering walks' settings, a study point's also the probes' (Measures). Operational
// keys (threads, folders, logging, checkpoint cadence, resuming) and a command's choice of runs
// (Chooses) never count.
//
//   RunSettings settings(config, schema, {"data", "gan"});   // gan.steps is an Extent: not counted
//   checkpoint.settings = settings.json();
//   for (const std::string& change : settings.changesSince(stored)) ...   // "gan.lr_d: 0.0004 -> 0.0002"
#include <map>
#include <string>
#include <vector>

#include "genrep/core/Config.h"

namespace genrep {

class RunSettings {
 public:
  RunSettings() = default;
  // The keys of `sections` (every section when empty) and run.seed whose role is one of `counted`.
  RunSettings(const Config& config, const ConfigSchema& schema, std::vector<std::string> sections,
              std::vector<KeyRole> counted = {KeyRole::Decides});

  // A deciding value that is not a config key (the data-parallel world size); `before` is
  // what a run made before it was recorded had.
  void add(const std::string& key, int64_t value, int64_t before);

  // A JSON object of the deciding keys and their values, flat ("section.key").
  const std::string& json() const { return values_; }

  // One "key: before -> now" per difference from `stored` (an earlier json(); keys that do
  // not decide the result are ignored in it). A key `stored` lacks was added to genrep after
  // it was made, and counts as unchanged while it holds its default; a key only `stored`
  // has is no longer known and counts as changed (its role is unknown). Unparseable `stored`: one entry saying so.
  std::vector<std::string> changesSince(const std::string& stored) const;

 private:
  bool decides(const std::string& key) const;
  std::vector<std::string> sections_, extra_;
  std::vector<KeyRole> counted_;
  std::map<std::string, KeyRole> roles_;  // of the schema's keys
  std::string values_ = "{}", defaults_ = "{}";
};

}  // namespace genrep
