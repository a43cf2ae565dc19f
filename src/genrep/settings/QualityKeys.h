#pragma once
// The quality.* keys, each declared once over QualityOptions and its ClassifierTraining (their
// initialisers are the defaults).
//
//   ConfigSchema schema; addQualityKeys(schema);
//   QualityOptions options = qualityOptionsFromConfig(config);   // + run.seed
#include "genrep/gen/QualityClassifier.h"

namespace genrep {

class Config;
class ConfigSchema;

void addQualityKeys(ConfigSchema& schema);
QualityOptions qualityOptionsFromConfig(const Config& config);

}  // namespace genrep
