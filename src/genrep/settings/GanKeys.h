#pragma once
// The gan.* keys, each declared once over GanTrainingOptions (its initialisers are the
// defaults), and the settings record that decides a GAN's weights.
//
//   ConfigSchema schema; addDatasetKeys(schema); addGanTrainingKeys(schema);
//   GanTrainingOptions options = ganOptionsFromConfig(config);   // + run.seed, run.resume_changed
//   options.settings = ganRunSettings(config, schema);
#include "genrep/gen/GanTrainer.h"

namespace genrep {

class Config;
class ConfigSchema;

void addGanTrainingKeys(ConfigSchema& schema);
GanTrainingOptions ganOptionsFromConfig(const Config& config);

// What decides a GAN's weights: data.*, gan.* but gan.steps and gan.out, run.seed.
RunSettings ganRunSettings(const Config& config, const ConfigSchema& schema);

}  // namespace genrep
