#include "genrep/Command.h"

namespace genrep::app {

std::vector<FlagAlias> runFlags() {
  return {{"--threads", "run.threads"},
          {"--seed", "run.seed"},
          {"--run-name", "run.name"},
          {"--resume-changed", "run.resume_changed", true}};
}

std::vector<FlagAlias> datasetFlags() {
  return {{"--format", "data.format"}, {"--path", "data.path"}};
}

FlagAlias generatorFlag() { return {"--generator", "gen.path"}; }

FlagAlias deviceFlag() { return {"--device", "run.device"}; }

}  // namespace genrep::app
