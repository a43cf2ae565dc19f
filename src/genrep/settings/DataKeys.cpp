#include "genrep/settings/DataKeys.h"

#include "genrep/core/SettingBinding.h"

namespace genrep {
namespace {

// openDataset checks the values (it names the file as well as the key).
const SettingBinding<DatasetSpec>& datasetSettings() {
  using O = DatasetSpec;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("data.format", &O::format, "real dataset format", {"fashion-mnist", "mnist", "idx", "cifar10", "cifar100", "folder"})
          .add("data.path", &O::path, "dataset folder; empty = the format's default (fashion-mnist: Debian's package)")
          .add("data.val_fraction", &O::valFraction, "share of the training split carved out for validation, per class")
          .add("data.split_seed", &O::splitSeed, "seed of the validation (and carved test) split; independent of run.seed")
          .add("data.test_fraction", &O::testFraction, "image folders without train/ and test/: share carved out as test")
          .add("data.channels", &O::channels, "image folders: 0 = from the first image, 1 = grey, 3 = RGB");
  return binding;
}

}  // namespace

void addDatasetKeys(ConfigSchema& schema) { datasetSettings().addKeys(schema); }

DatasetSpec datasetSpecFromConfig(const Config& config) { return datasetSettings().read(config); }

}  // namespace genrep
