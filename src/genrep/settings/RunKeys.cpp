#include "genrep/settings/RunKeys.h"

#include "genrep/core/SettingBinding.h"

namespace genrep {
namespace {

const SettingBinding<RunOptions>& runSettings() {
  using O = RunOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("run.root", &O::root, "folder under which each command makes its run folder").role(KeyRole::Operational)
          .add("run.name", &O::name, "run folder name; empty = <command>-<date>-<time>; an existing name is continued").role(KeyRole::Operational)
          .add("run.threads", &O::threads, "CPU threads for LibTorch; 0 = every core").role(KeyRole::Operational)
          .add("run.seed", &O::seed, "seed of every random stream of the run")
          .add("run.resume_changed", &O::resumeChanged, "continue from a checkpoint made with other settings (the changes are printed)").role(KeyRole::Operational)
          .add("run.timeout_s", &O::timeoutSeconds, "data parallel: seconds to wait for the other ranks (to meet, or in a collective)",
               Bounds<int64_t>::atLeast(1)).role(KeyRole::Operational);
  return binding;
}

}  // namespace

void addRunKeys(ConfigSchema& schema) { runSettings().addKeys(schema); }

RunOptions runOptionsFromConfig(const Config& config) { return runSettings().read(config); }

void addDeviceKey(ConfigSchema& schema) {
  schema.addString("run.device", "auto", "auto (CUDA when available), cpu, cuda or cuda:N").role(KeyRole::Operational);
}

std::string deviceFromConfig(const Config& config) { return config.getString("run.device"); }

}  // namespace genrep
