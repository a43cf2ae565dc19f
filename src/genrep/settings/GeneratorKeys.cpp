#include "genrep/settings/GeneratorKeys.h"

#include <filesystem>

#include "genrep/core/Config.h"

namespace genrep {
namespace {

std::string defaultGeneratorPath() { return (std::filesystem::path("models") / kShippedGenerator).string(); }

}  // namespace

void addGeneratorKeys(ConfigSchema& schema) {
  schema.addString("gen.path", defaultGeneratorPath(),
                   "generator folder: genrep GAN or TorchScript (manifest.json + weights); the default is the shipped one");
}

std::string generatorPathFromConfig(const Config& config) {
  const std::string path = config.getString("gen.path");
  std::error_code ec;
  if (path != defaultGeneratorPath() || std::filesystem::exists(path, ec)) return path;
  const std::filesystem::path models = shippedModelsFolder();
  return models.empty() ? path : (models / kShippedGenerator).string();  // loading a missing one names it
}

}  // namespace genrep
