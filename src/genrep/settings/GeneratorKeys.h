#pragma once
// gen.path: the generator folder a command samples from. Left at its default it names the
// shipped generator, found wherever genrep runs (core/InstallPaths.h).
//
//   ConfigSchema schema; addGeneratorKeys(schema);
//   std::shared_ptr<Generator> g = loadGenerator(generatorPathFromConfig(config));
#include <string>

#include "genrep/core/InstallPaths.h"

namespace genrep {

class Config;
class ConfigSchema;

void addGeneratorKeys(ConfigSchema& schema);
// gen.path as set; at its default (models/fashion-mnist-cgan) and missing from the working
// folder, the shipped generator in the first models folder that has it.
std::string generatorPathFromConfig(const Config& config);

}  // namespace genrep
