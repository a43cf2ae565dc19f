#include "EncoderRuns.h"

#include <fmt/format.h>

#include "genrep/report/HtmlReport.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/EvalKeys.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/ViewKeys.h"

namespace genrep::app {

void addTrainKeys(ConfigSchema& schema) {
  addDatasetKeys(schema);
  addGeneratorKeys(schema);
  addViewSourceKeys(schema);
  addEncoderKeys(schema);
  addObjectiveKeys(schema);
  addEncoderTrainingKeys(schema);
  addDeviceKey(schema);
}

void addEvalKeys(ConfigSchema& schema) {
  addEvaluationKeys(schema);
  addProbeDatasetKeys(schema);
  if (!schema.find("run.device")) addDeviceKey(schema);
}

bool checkTrainSettings(const Config& config, const ConfigSchema& /*schema*/) {
  encoderTrainingOptionsFromConfig(config);
  objectiveOptionsFromConfig(config);
  encoderArchFromConfig(config, 1);
  viewSourceOptionsFromConfig(config);
  return false;
}

void refreshReport(const std::filesystem::path& folder) {
  try {
    writeReport({folder}, folder / "report.html");
    fmt::print("report {}\n", (folder / "report.html").string());
  } catch (const std::exception& error) {
    fmt::print(stderr, "genrep: warning: the report of {} was not rewritten: {}\n", folder.string(), error.what());
  }
}

std::vector<FlagAlias> tableFlags(const std::string& seedsKey) {
  std::vector<FlagAlias> flags = datasetFlags();
  flags.push_back(generatorFlag());
  flags.push_back({"--steps", "learn.steps"});
  flags.push_back({"--batch", "learn.batch"});
  flags.push_back({"--seeds", seedsKey});
  flags.push_back(deviceFlag());
  return flags;
}

}  // namespace genrep::app
