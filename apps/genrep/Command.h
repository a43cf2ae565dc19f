#pragma once
// How a subcommand plugs into the `genrep` binary. A command family (data, gan, ...)
// returns its CommandSpecs; main.cpp turns each into a CLI11 subcommand with the shared
// options (--config, --set, --print-config and the flag aliases), resolves the config
// against the command's schema, prepares threads and the run folder, then calls run().
//
// Adding a subcommand: append a CommandSpec to its family's list, e.g.
//   {{"data", "info"}, "what a dataset holds", addDatasetKeys, {{"--per-class", "info.per_class", "..."}}, runInfo}
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "genrep/core/Config.h"
#include "genrep/core/MetricsLog.h"
#include "genrep/core/RunDir.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/runtime/Runtime.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/RunKeys.h"

namespace genrep::app {

// A command-line flag that is sugar for one config key: `--threads 4` == `--set run.threads=4`.
// Its help is the key's, from the key's declaration (what --print-config says), with its choices.
struct FlagAlias {
  std::string flag;  // "--threads"
  std::string key;   // "run.threads"
  bool isSwitch = false;  // a switch sets the key to true and takes no value
  // A switch with a preset also applies these assignments, below the config file and
  // --set in precedence: `--quick` = a smaller budget that any explicit setting overrides.
  std::vector<std::string> preset = {};
};

struct CommandContext {
  const Config& config;
  const RunDir& run;
  MetricsLog& metrics;
  const RuntimeInfo& runtime;
  const ConfigSchema& schema;  // the command's keys: sub-runs resolve their configs against it
  std::shared_ptr<DataParallel> ranks;  // this process's rank; one process unless launched by torchrun
};

struct CommandSpec {
  std::vector<std::string> path;  // {"data", "info"}
  std::string summary;
  std::function<void(ConfigSchema&)> declareKeys;
  std::vector<FlagAlias> flags;
  std::function<void(CommandContext&)> run;
  // Run folder name when run.name is empty; empty = "<command>-<timestamp>". A fixed name
  // lets a command find its earlier work (the demo reuses and resumes).
  std::string defaultRunName = {};
  // Whether it runs as N data-parallel processes when launched so (WORLD_SIZE > 1).
  bool dataParallel = false;
  // A positional argument that is sugar for a key: `genrep experiment sigma` = experiment.study=sigma.
  std::string positionalKey = {};
  std::string positionalHelp = {};
  // The positional argument takes several values, joined with ',' into positionalKey, and at
  // least one is required (its absence is a usage error).
  bool positionalMany = false;
  // The config file the positional argument names, layered below the user's --config (`genrep
  // experiment sigma` reads the shipped study configs/studies/sigma.toml); std::invalid_argument
  // when it names none.
  std::function<std::filesystem::path(const std::string&)> positionalFile = {};
  // The run folder name from the config when run.name is empty (overrides defaultRunName).
  std::function<std::string(const Config&)> runNameFor = {};
  // Called with the resolved config before the run folder exists: it checks what the command
  // will do (so bad settings write nothing), and may answer by itself (a listing, a dry run):
  // true = done, no run.
  std::function<bool(const Config&, const ConfigSchema&)> beforeRun = {};
};

// Flags that every command has (--threads, --seed, --run-name; run.* keys: settings/RunKeys.h).
std::vector<FlagAlias> runFlags();
// --format and --path, for the commands that read a real dataset (data.* keys).
std::vector<FlagAlias> datasetFlags();
// --generator (gen.path) and --device (run.device), for the commands that take them.
FlagAlias generatorFlag();
FlagAlias deviceFlag();


// The command families.
std::vector<CommandSpec> dataCommands();
std::vector<CommandSpec> ganCommands();
std::vector<CommandSpec> learnCommands();
std::vector<CommandSpec> syntheticCommands();
std::vector<CommandSpec> steerCommands();
std::vector<CommandSpec> reportCommands();

}  // namespace genrep::app
