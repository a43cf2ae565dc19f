#pragma once
// The data.* keys: each declared once over DatasetSpec (its initialisers are the defaults).
//   data.format   fashion-mnist | mnist | idx | cifar10 | cifar100 | folder
//   data.path     its folder ("" = the format's default: Debian's Fashion-MNIST)
//   data.val_fraction, data.split_seed   the validation split carved from train
//   data.test_fraction   test split carved from an image folder without train/ and test/
//   data.channels        image folders: 0 auto, 1 grey, 3 RGB
//
//   ConfigSchema schema; addDatasetKeys(schema);
//   RealDataset d = openDataset(datasetSpecFromConfig(config));
#include "genrep/data/DatasetOpener.h"

namespace genrep {

class Config;
class ConfigSchema;

void addDatasetKeys(ConfigSchema& schema);
DatasetSpec datasetSpecFromConfig(const Config& config);

}  // namespace genrep
