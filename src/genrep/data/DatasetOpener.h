#pragma once
// Opens a real dataset from its `data.*` settings.
//   data.format   fashion-mnist | mnist | idx | cifar10 | cifar100 | folder
//   data.path     its folder ("" = the format's default: Debian's Fashion-MNIST)
//   data.val_fraction, data.split_seed   the validation split carved from train
//   data.test_fraction   test split carved from an image folder without train/ and test/
//   data.channels        image folders: 0 auto, 1 grey, 3 RGB
//
//   ConfigSchema schema; addDatasetKeys(schema);
//   RealDataset d = openDataset(datasetSpecFromConfig(config));
#include <cstdint>
#include <filesystem>
#include <string>

#include "genrep/data/RealDataset.h"

namespace genrep {

class Config;
class ConfigSchema;

struct DatasetSpec {
  std::string format = "fashion-mnist";
  std::filesystem::path path;  // empty = the format's default location
  double valFraction = 0.1;
  double testFraction = 0.2;
  uint64_t splitSeed = 0;
  int64_t channels = 0;
};

inline constexpr const char* kFashionMnistPath = "/usr/share/datasets/fashion-mnist";

void addDatasetKeys(ConfigSchema& schema);
DatasetSpec datasetSpecFromConfig(const Config& config);

// Throws std::invalid_argument naming the file and the fix on missing or corrupt data.
RealDataset openDataset(const DatasetSpec& spec);

}  // namespace genrep
