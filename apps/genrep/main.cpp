// genrep: learn visual representations from a generative model.
// main() builds the CLI from the command families' specs (see Command.h) and turns every
// error into one line on stderr and a non-zero exit.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/Command.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/core/ClosestName.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/InstallPaths.h"
#include "genrep/core/RunLock.h"
#include "genrep/core/Version.h"
#include "genrep/runtime/Device.h"

namespace genrep::app {
namespace {

struct ParsedCommand {
  const CommandSpec* spec = nullptr;
  CLI::App* cli = nullptr;
  std::string configFile;
  std::vector<std::string> overrides;
  std::map<std::string, std::string> flagValues;  // flag -> value given
  bool printConfig = false;
};

std::string commandName(const CommandSpec& spec) { return fmt::format("{}", fmt::join(spec.path, "-")); }

ConfigSchema schemaFor(const CommandSpec& spec) {
  ConfigSchema schema;
  addRunKeys(schema);
  if (spec.declareKeys) spec.declareKeys(schema);
  return schema;
}

void registerCommand(CLI::App& root, const CommandSpec& spec, ParsedCommand& parsed) {
  CLI::App* parent = &root;
  for (size_t i = 0; i + 1 < spec.path.size(); ++i) {
    CLI::App* family = nullptr;
    for (CLI::App* existing : parent->get_subcommands([](CLI::App*) { return true; })) {
      if (existing->get_name() == spec.path[i]) family = existing;
    }
    if (!family) {
      family = parent->add_subcommand(spec.path[i], fmt::format("{} commands", spec.path[i]));
      family->require_subcommand(1);
    }
    parent = family;
  }
  CLI::App* cli = parent->add_subcommand(spec.path.back(), spec.summary);
  cli->add_option("-c,--config", parsed.configFile, "TOML config file (unknown keys are an error)")->check(CLI::ExistingFile);
  cli->add_option("-s,--set", parsed.overrides, "override a config key: --set data.val_fraction=0.2 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cli->add_flag("--print-config", parsed.printConfig, "print the resolved config as TOML and exit");
  std::vector<FlagAlias> flags = runFlags();
  flags.insert(flags.end(), spec.flags.begin(), spec.flags.end());
  const ConfigSchema schema = schemaFor(spec);
  for (const FlagAlias& alias : flags) {
    const ConfigKey* key = schema.find(alias.key);
    if (!key) throw std::logic_error(fmt::format("{}: flag {} names {}, which the command does not have", commandName(spec), alias.flag, alias.key));
    const std::string choices = key->choices.empty() ? "" : fmt::format(": {}", fmt::join(key->choices, ", "));
    const std::string help = fmt::format("{}{} (= --set {}=...)", key->help, choices, alias.key);
    if (alias.isSwitch) {
      cli->add_flag_callback(alias.flag, [&parsed, alias] { parsed.flagValues[alias.flag] = "true"; }, help);
    } else {
      cli->add_option_function<std::string>(
          alias.flag, [&parsed, alias](const std::string& value) { parsed.flagValues[alias.flag] = value; }, help);
    }
  }
  if (!spec.positionalKey.empty() && spec.positionalMany) {
    cli->add_option_function<std::vector<std::string>>(
        spec.positionalKey.substr(spec.positionalKey.rfind('.') + 1),
        [&parsed, &spec](const std::vector<std::string>& values) { parsed.flagValues[spec.positionalKey] = fmt::format("{}", fmt::join(values, ",")); },
        fmt::format("{} (= --set {}=A,B,...)", spec.positionalHelp, spec.positionalKey))
        ->required();
  } else if (!spec.positionalKey.empty()) {
    cli->add_option_function<std::string>(
        spec.positionalKey.substr(spec.positionalKey.rfind('.') + 1),
        [&parsed, &spec](const std::string& value) { parsed.flagValues[spec.positionalKey] = value; },
        fmt::format("{} (= --set {}=...)", spec.positionalHelp, spec.positionalKey));
  }
  cli->callback([&parsed, &spec, cli] {
    parsed.spec = &spec;
    parsed.cli = cli;
  });
}

std::vector<std::string> subcommandNames(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> optionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

// CLI11's parse errors as one line in genrep's words: the subcommand or option argv names
// that does not exist, with the closest that does, or CLI11's own first line, and where help is.
std::string usageError(const CLI::ParseError& error, CLI::App& root, int argc, char** argv) {
  CLI::App* at = &root;
  std::string path = "genrep";
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token.rfind('-', 0) == 0) {
      const std::string name = token.substr(0, token.find('='));
      const std::vector<std::string> known = optionNames(*at);
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      const std::string closest = closestName(name, known);
      return fmt::format("unknown option '{}' for `{}`{}; `{} --help` lists the options", name, path,
                         closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest), path);
    }
    const std::vector<std::string> commands = subcommandNames(*at);
    if (commands.empty()) continue;  // a value of the last option
    if (std::find(commands.begin(), commands.end(), token) != commands.end()) {
      at = at->get_subcommand(token);
      path += " " + token;
      continue;
    }
    const std::string closest = closestName(token, commands);
    return fmt::format("unknown command '{} {}'{}; `{} --help` lists the commands", path, token,
                       closest.empty() ? "" : fmt::format(" (did you mean '{} {}'?)", path, closest), path);
  }
  const std::string message = error.what();
  return fmt::format("{} (`{} --help` for usage)", message.substr(0, message.find('\n')), path);
}

void printVersion() {
  configureThreads(0);
  const RuntimeInfo info = runtimeInfo();
  fmt::print("genrep {}\nlibtorch {} ({})\ncuda {}\ndevice {}\ncpu features {}\nthreads {}\nblas {}\nallocator {}\n",
             info.genrepVersion, info.libtorchVersion, info.onednn, info.cuda, info.device, info.cpuFeatures, info.threads,
             describeBlas(info.blas), info.allocator);
  const std::filesystem::path models = shippedModelsFolder();
  fmt::print("models {}\ncache {}\n", models.empty() ? "none found (the shipped generator is missing; set gen.path)" : models.string(),
             userCacheFolder().string());
}

// What a run folder held before a command started in it, so that a command refused before it
// wrote anything of its own (a setting it checks only once it runs) leaves the folder as it
// found it: the config it replaced restored, the empty metrics log it made and a folder it made
// removed. A folder in which anything else changed is left as it is.
class RunFolderStart {
 public:
  RunFolderStart(std::filesystem::path folder, bool fresh) : folder_(std::move(folder)), fresh_(fresh), before_(list(folder_)) {
    std::error_code ec;
    if (std::filesystem::exists(folder_ / "config.toml", ec)) config_ = readFileText(folder_ / "config.toml");
  }

  void undoIfUntouched() const {
    Listing after = list(folder_);
    const auto log = after.find("metrics.jsonl");
    const bool madeLog = log != after.end() && log->second.first == 0 && before_.count("metrics.jsonl") == 0;
    if (madeLog) after.erase(log);
    if (after != before_) return;
    std::error_code ec;
    if (fresh_) {
      std::filesystem::remove_all(folder_, ec);
      return;
    }
    if (config_) {
      writeFileAtomic(folder_ / "config.toml", *config_);
    } else {
      std::filesystem::remove(folder_ / "config.toml", ec);
    }
    if (madeLog) std::filesystem::remove(folder_ / "metrics.jsonl", ec);
  }

 private:
  // Every file under the folder but its config and lock: relative path -> (size, time).
  using Listing = std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>>;
  static Listing list(const std::filesystem::path& folder) {
    Listing files;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(folder, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
      const std::string name = it->path().lexically_relative(folder).string();
      if (name == "config.toml" || name == RunLock::kFileName) continue;
      files[name] = {it->is_regular_file(ec) ? it->file_size(ec) : 0, it->last_write_time(ec)};
    }
    return files;
  }

  std::filesystem::path folder_;
  bool fresh_;
  Listing before_;
  std::optional<std::string> config_;  // config.toml before the command, when there was one
};

int runCommand(const ParsedCommand& parsed) {
  const CommandSpec& spec = *parsed.spec;
  const ConfigSchema schema = schemaFor(spec);
  // Precedence: defaults < --config file < --set (in order) < flag aliases.
  // Preset switches sit just above the defaults.
  std::vector<std::string> overrides = parsed.overrides, presets;
  std::vector<FlagAlias> flags = runFlags();
  flags.insert(flags.end(), spec.flags.begin(), spec.flags.end());
  for (const FlagAlias& alias : flags) {
    if (auto it = parsed.flagValues.find(alias.flag); it != parsed.flagValues.end()) {
      overrides.push_back(alias.key + "=" + it->second);
      presets.insert(presets.end(), alias.preset.begin(), alias.preset.end());
    }
  }
  std::vector<std::filesystem::path> files = {parsed.configFile};
  if (auto it = parsed.flagValues.find(spec.positionalKey); !spec.positionalKey.empty() && it != parsed.flagValues.end()) {
    overrides.push_back(spec.positionalKey + "=" + it->second);
  }
  // The file the positional key names, layered below the user's settings, whether the key was
  // given as the positional argument, with --set or in the user's config file.
  const Config config = [&] {
    Config resolved = Config::resolve(schema, files, overrides, presets);
    const std::string named = spec.positionalFile ? resolved.getString(spec.positionalKey) : "";
    if (named.empty()) return resolved;
    files.insert(files.begin(), spec.positionalFile(named));
    return Config::resolve(schema, files, overrides, presets);
  }();
  if (parsed.printConfig) {
    fmt::print("{}", config.toToml());
    return 0;
  }
  const RunOptions runOptions = runOptionsFromConfig(config);
  configureThreads(runOptions.threads);
  if (spec.beforeRun && spec.beforeRun(config, schema)) return 0;
  const RuntimeInfo runtime = runtimeInfo();
  if (const auto warning = blasWarning(runtime.blas)) fmt::print(stderr, "{}\n", *warning);

  std::shared_ptr<DataParallel> ranks = DataParallel::single();
  if (DataParallel::requestedByEnvironment()) {
    if (!spec.dataParallel) {
      throw std::invalid_argument(fmt::format("genrep {} runs as one process: launch it without torchrun (WORLD_SIZE unset); "
                                              "train, gan train and steer train run data-parallel",
                                              commandName(spec)));
    }
    ranks = DataParallel::fromEnvironment(selectDevice(deviceFromConfig(config)), std::chrono::seconds(runOptions.timeoutSeconds));
  }

  // One run folder for all ranks: rank 0 makes it (or its timestamped name) and tells the others.
  std::string runName = runOptions.name;
  if (runName.empty()) runName = spec.runNameFor ? spec.runNameFor(config) : spec.defaultRunName;
  std::optional<RunDir> made;
  std::error_code ec;
  const bool fresh = runName.empty() || !std::filesystem::exists(std::filesystem::path(runOptions.root) / runName, ec);
  if (ranks->isMain()) made = RunDir::create(runOptions.root, runName, commandName(spec));
  const std::string shared = ranks->shareFromMain(made ? made->path().filename().string() : "");
  const RunDir run = made ? *made : RunDir::create(runOptions.root, shared, commandName(spec));
  // One process per run folder (a data-parallel run's other ranks work under rank 0's), taken
  // before anything in it is written.
  std::optional<RunLock> lock;
  if (ranks->isMain()) lock.emplace(run.path());
  std::optional<RunFolderStart> start;
  if (ranks->isMain()) start.emplace(run.path(), fresh);
  if (ranks->isMain()) {
    run.saveConfig(config.toToml());
  } else {
    // The other ranks report into their own log; the terminal shows rank 0.
    const std::string log = run.file(fmt::format("rank-{}.log", ranks->rank())).string();
    if (!std::freopen(log.c_str(), "a", stdout) || !std::freopen(log.c_str(), "a", stderr)) {
      throw std::runtime_error(fmt::format("cannot write {}", log));
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 1 << 16);
  }
  MetricsLog metrics(run.file(ranks->isMain() ? "metrics.jsonl" : fmt::format("metrics.rank-{}.jsonl", ranks->rank())));
  CommandContext context{config, run, metrics, runtime, schema, ranks};
  try {
    spec.run(context);
  } catch (...) {
    if (start) start->undoIfUntouched();
    throw;
  }
  return 0;
}

}  // namespace
}  // namespace genrep::app

int main(int argc, char** argv) {
  using namespace genrep::app;
  genrep::configureAllocator();
  // Line by line even into a log file: long commands (the demo) report as they go.
  std::setvbuf(stdout, nullptr, _IOLBF, 1 << 16);
  CLI::App app{"genrep: learn visual representations from a generative model instead of a dataset"};
  app.name("genrep");
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "print genrep, LibTorch, device, threads and BLAS, then exit");

  // Specs live as long as main: the CLI callbacks hold pointers into this list.
  std::vector<std::unique_ptr<CommandSpec>> specs;
  for (auto family : {dataCommands, ganCommands, learnCommands, syntheticCommands, steerCommands, reportCommands}) {
    for (CommandSpec& spec : family()) specs.push_back(std::make_unique<CommandSpec>(std::move(spec)));
  }
  std::vector<std::unique_ptr<ParsedCommand>> parsed;
  for (const auto& spec : specs) {
    parsed.push_back(std::make_unique<ParsedCommand>());
    registerCommand(app, *spec, *parsed.back());
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    fmt::print(stderr, "genrep: error: {}\n", usageError(error, app, argc, argv));
    return 2;
  }
  try {
    if (version) {
      printVersion();
      return 0;
    }
    for (const auto& command : parsed) {
      if (command->spec) return runCommand(*command);
    }
    fmt::print(stderr, "{}", app.help());
    return 2;
  } catch (const std::exception& error) {
    // One line: LibTorch's errors carry a C++ backtrace after the first line.
    const std::string message = error.what();
    fmt::print(stderr, "genrep: error: {}\n", message.substr(0, message.find('\n')));
    return 1;
  }
}
