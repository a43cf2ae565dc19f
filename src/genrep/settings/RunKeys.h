#pragma once
// The run.* keys that every command has, declared once over RunOptions (its initialisers are
// the defaults): where the run folder goes, threads, the seed of every random stream, resume
// with changed settings, the data-parallel timeout; run.device for the commands that train or
// probe an encoder. Each library options struct that needs the seed gets it from here.
//
//   ConfigSchema schema; addRunKeys(schema);
//   const RunOptions run = runOptionsFromConfig(config);   // run.seed, run.threads, ...
#include <cstdint>
#include <string>

namespace genrep {

class Config;
class ConfigSchema;

struct RunOptions {
  std::string root = "runs";  // the folder under which each command makes its run folder
  std::string name;           // empty = <command>-<date>-<time>
  int64_t threads = 0;        // 0 = every core
  uint64_t seed = 0;
  bool resumeChanged = false;
  int64_t timeoutSeconds = 120;
};

void addRunKeys(ConfigSchema& schema);
RunOptions runOptionsFromConfig(const Config& config);

// run.seed and run.resume_changed into a trainer's options (fields seed and resumeChanged).
template <class TrainerOptions>
void readRunInto(const Config& config, TrainerOptions& options) {
  const RunOptions run = runOptionsFromConfig(config);
  options.seed = run.seed;
  options.resumeChanged = run.resumeChanged;
}

// run.device: auto (CUDA when available), cpu, cuda or cuda:N; runtime/Device.h reads it.
void addDeviceKey(ConfigSchema& schema);
std::string deviceFromConfig(const Config& config);

}  // namespace genrep
