#pragma once
// generate.*: an offline synthetic dataset (`genrep generate`), bound over OfflineDatasetOptions
// (its initialisers are the defaults) with the latent view's views.* keys (settings/ViewKeys.h).
//
//   addGenerateKeys(schema);
//   OfflineDatasetOptions options = offlineDatasetOptionsFromConfig(config);   // + views.*, run.seed
//   std::filesystem::path out = generateFolderFromConfig(config);              // "" = the run folder
#include <filesystem>

#include "genrep/views/OfflineDataset.h"

namespace genrep {

class Config;
class ConfigSchema;

// generate.* and the latent view's keys.
void addGenerateKeys(ConfigSchema& schema);
OfflineDatasetOptions offlineDatasetOptionsFromConfig(const Config& config);
// generate.out; empty = the run folder.
std::filesystem::path generateFolderFromConfig(const Config& config);

}  // namespace genrep
