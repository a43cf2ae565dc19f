#pragma once
// The encoder.* and learn.* keys, each declared once over the struct it fills (EncoderArch,
// ObjectiveOptions, EncoderTrainingOptions; their initialisers are the defaults).
//
//   ConfigSchema schema; addEncoderKeys(schema); addObjectiveKeys(schema); addEncoderTrainingKeys(schema);
//   EncoderArch arch = encoderArchFromConfig(config, /*channels*/ 1);
//   ObjectiveOptions objective = objectiveOptionsFromConfig(config);
//   EncoderTrainingOptions training = encoderTrainingOptionsFromConfig(config);   // + run.seed, run.resume_changed
#include <cstdint>

#include "genrep/learn/EncoderTrainer.h"
#include "genrep/learn/Objective.h"
#include "genrep/learn/ResNetEncoder.h"

namespace genrep {

class Config;
class ConfigSchema;

void addEncoderKeys(ConfigSchema& schema);
// `channels` is the images', not a setting.
EncoderArch encoderArchFromConfig(const Config& config, int64_t channels);

void addObjectiveKeys(ConfigSchema& schema);
ObjectiveOptions objectiveOptionsFromConfig(const Config& config);

// Checks that relate two keys (learn.warmup < learn.steps) are made here.
void addEncoderTrainingKeys(ConfigSchema& schema);
EncoderTrainingOptions encoderTrainingOptionsFromConfig(const Config& config);

}  // namespace genrep
