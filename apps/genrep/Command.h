#pragma once
// How a subcommand plugs into the `genrep` binary. A command family (data, gan, ...)
// returns its CommandSpecs; main.cpp turns each into a CLI11 subcommand with the shared
// options (--config, --set, --print-config and the flag aliases), resolves the config
// against the command's schema, prepares threads and the run folder, then calls run().
//
// Adding a subcommand: append a CommandSpec to its family's list, e.g.
//   {{"data", "info"}, "what a dataset holds", addDatasetKeys, {{"--per-class", "info.per_class", "..."}}, runInfo}
#include <functional>
#include <string>
#include <vector>

#include "genrep/core/Config.h"
#include "genrep/core/MetricsLog.h"
#include "genrep/core/RunDir.h"
#include "genrep/runtime/Runtime.h"

namespace genrep::app {

// A command-line flag that is sugar for one config key: `--threads 4` == `--set run.threads=4`.
struct FlagAlias {
  std::string flag;  // "--threads"
  std::string key;   // "run.threads"
  std::string help;
  bool isSwitch = false;  // a switch sets the key to true and takes no value
};

struct CommandContext {
  const Config& config;
  const RunDir& run;
  MetricsLog& metrics;
  const RuntimeInfo& runtime;
};

struct CommandSpec {
  std::vector<std::string> path;  // {"data", "info"}
  std::string summary;
  std::function<void(ConfigSchema&)> declareKeys;
  std::vector<FlagAlias> flags;
  std::function<void(CommandContext&)> run;
};

// Keys and flags that every command has (run.root, run.name, run.threads, run.seed).
void addRunKeys(ConfigSchema& schema);
std::vector<FlagAlias> runFlags();
// --format and --path, for the commands that read a real dataset (data.* keys).
std::vector<FlagAlias> datasetFlags();

// The command families.
std::vector<CommandSpec> dataCommands();
std::vector<CommandSpec> ganCommands();

}  // namespace genrep::app
