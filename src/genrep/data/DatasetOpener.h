#pragma once
// Opens a real dataset: IDX (MNIST, Fashion-MNIST), CIFAR-10/100 binaries or an image folder,
// with its validation split (and a carved test split for a folder without one).
//
//   DatasetSpec spec;  spec.format = "cifar10";  spec.path = "/data/cifar-10-batches-bin";
//   RealDataset d = openDataset(spec);      // from a config: settings/DataKeys.h
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genrep/data/RealDataset.h"

namespace genrep {

struct DatasetSpec {
  std::string format = "fashion-mnist";
  std::filesystem::path path;  // empty = the format's default location
  double valFraction = 0.1;
  double testFraction = 0.2;
  uint64_t splitSeed = 0;
  int64_t channels = 0;
  // A subset of the classes, by their index in the full dataset, renumbered 0..k-1 in this
  // order (a generator trained on five classes, probed on the other five); empty = all.
  std::vector<int64_t> classes;
  // The settings the format, path and classes came from, named in errors ("eval": the second
  // probe dataset, settings/DataKeys.h).
  std::string keys = "data";
};

inline constexpr const char* kFashionMnistPath = "/usr/share/datasets/fashion-mnist";

// Throws std::invalid_argument naming the file and the fix on missing or corrupt data.
RealDataset openDataset(const DatasetSpec& spec);

}  // namespace genrep
