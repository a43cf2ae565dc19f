#pragma once
// The data.* keys: each declared once over DatasetSpec (its initialisers are the defaults).
//   data.format   fashion-mnist | mnist | idx | cifar10 | cifar100 | folder
//   data.path     its folder ("" = the format's default: Debian's Fashion-MNIST)
//   data.val_fraction, data.split_seed   the validation split carved from train
//   data.test_fraction   test split carved from an image folder without train/ and test/
//   data.channels        image folders: 0 auto, 1 grey, 3 RGB
//   data.classes         a subset of the classes (renumbered 0..k-1)
//   eval.format, eval.path, eval.classes   a second dataset the probes score on as well
//
//   ConfigSchema schema; addDatasetKeys(schema);
//   RealDataset d = openDataset(datasetSpecFromConfig(config));
#include <optional>

#include "genrep/data/DatasetOpener.h"

namespace genrep {

class Config;
class ConfigSchema;

void addDatasetKeys(ConfigSchema& schema);
DatasetSpec datasetSpecFromConfig(const Config& config);

// A second dataset the probes score an encoder on as well, away from the one it trained for
// (eval.format, eval.path, eval.classes: the classes a generator never saw, another dataset);
// none when eval.format is empty. Its validation split is carved as data.*'s (data.val_fraction,
// data.split_seed, data.test_fraction).
void addProbeDatasetKeys(ConfigSchema& schema);
std::optional<DatasetSpec> probeDatasetSpecFromConfig(const Config& config);

}  // namespace genrep
