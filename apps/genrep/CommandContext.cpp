#include "genrep/Command.h"

namespace genrep::app {

void addRunKeys(ConfigSchema& schema) {
  schema.addString("run.root", "runs", "folder under which each command makes its run folder");
  schema.addString("run.name", "", "run folder name; empty = <command>-<date>-<time>; an existing name is continued");
  schema.addInt("run.threads", 0, "CPU threads for LibTorch; 0 = every core");
  schema.addInt("run.seed", 0, "seed of every random stream of the run");
  schema.addBool("run.resume_changed", false, "continue from a checkpoint made with other settings (the changes are printed)");
  schema.addInt("run.timeout_s", 120, "data parallel: seconds to wait for the other ranks (to meet, or in a collective)");
}

std::vector<FlagAlias> runFlags() {
  return {{"--threads", "run.threads", "CPU threads (0 = every core)", false},
          {"--seed", "run.seed", "seed of the run's random streams", false},
          {"--run-name", "run.name", "run folder name under run.root", false},
          {"--resume-changed", "run.resume_changed", "continue from a checkpoint made with other settings", true}};
}

std::vector<FlagAlias> datasetFlags() {
  return {{"--format", "data.format", "real dataset format", false}, {"--path", "data.path", "real dataset folder", false}};
}

void addGeneratorKeys(ConfigSchema& schema) {
  schema.addString("gen.path", "models/fashion-mnist-cgan", "generator folder: genrep GAN or TorchScript (manifest.json + weights)");
}

}  // namespace genrep::app
