#include "genrep/Command.h"

namespace genrep::app {

std::vector<FlagAlias> runFlags() {
  return {{"--threads", "run.threads", "CPU threads (0 = every core)", false},
          {"--seed", "run.seed", "seed of the run's random streams", false},
          {"--run-name", "run.name", "run folder name under run.root", false},
          {"--resume-changed", "run.resume_changed", "continue from a checkpoint made with other settings", true}};
}

std::vector<FlagAlias> datasetFlags() {
  return {{"--format", "data.format", "real dataset format", false}, {"--path", "data.path", "real dataset folder", false}};
}

}  // namespace genrep::app
