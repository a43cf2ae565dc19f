#pragma once
// The eval.* keys, each declared once over the three structs they fill (EvaluationOptions,
// its FeatureLimits and LinearProbeOptions; their initialisers are the defaults).
//
//   ConfigSchema schema; addEvaluationKeys(schema);
//   EvaluationOptions options = evaluationOptionsFromConfig(config);   // + run.seed
#include "genrep/eval/Evaluation.h"

namespace genrep {

class Config;
class ConfigSchema;

void addEvaluationKeys(ConfigSchema& schema);
EvaluationOptions evaluationOptionsFromConfig(const Config& config);

}  // namespace genrep
