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
          .add("data.channels", &O::channels, "image folders: 0 = from the first image, 1 = grey, 3 = RGB")
          .add("data.classes", &O::classes,
               "a subset of the classes, comma-separated indices, renumbered 0..k-1 in this order; empty = every class",
               Bounds<int64_t>::atLeast(0));
  return binding;
}

// The second dataset's own keys; the rest of its spec is data.*'s.
struct ProbeDataset {
  std::string format;  // empty = none
  std::filesystem::path path;
  std::vector<int64_t> classes;
};

const SettingBinding<ProbeDataset>& probeDatasetSettings() {
  using O = ProbeDataset;
  static const SettingBinding<O> binding =
      SettingBinding<O>(KeyRole::Measures)
          .add("eval.format", &O::format, "a second dataset the probes score on as well; empty = none",
               {"", "fashion-mnist", "mnist", "idx", "cifar10", "cifar100", "folder"})
          .add("eval.path", &O::path, "its folder; empty = the format's default")
          .add("eval.classes", &O::classes, "a subset of its classes, comma-separated indices; empty = every class",
               Bounds<int64_t>::atLeast(0));
  return binding;
}

}  // namespace

void addDatasetKeys(ConfigSchema& schema) { datasetSettings().addKeys(schema); }

DatasetSpec datasetSpecFromConfig(const Config& config) { return datasetSettings().read(config); }

void addProbeDatasetKeys(ConfigSchema& schema) { probeDatasetSettings().addKeys(schema); }

std::optional<DatasetSpec> probeDatasetSpecFromConfig(const Config& config) {
  const ProbeDataset probe = probeDatasetSettings().read(config);
  if (probe.format.empty()) return std::nullopt;
  DatasetSpec spec = datasetSpecFromConfig(config);
  spec.format = probe.format;
  spec.path = probe.path;
  spec.classes = probe.classes;
  spec.keys = "eval";
  return spec;
}

}  // namespace genrep
