#include "genrep/settings/GenerateKeys.h"

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/settings/ViewKeys.h"

namespace genrep {
namespace {

struct GenerateFolder {
  std::filesystem::path out;
};

// OfflineDatasetOptions::validate checks the values.
const SettingBinding<OfflineDatasetOptions>& generateSettings() {
  using O = OfflineDatasetOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("generate.anchors", &O::anchorsPerClass, "anchors M (per class for a conditional generator, classes balanced)")
          .add("generate.pool", &O::pool, "neighbours K per anchor (0 only with views.latent=none)")
          .add("generate.shard_anchors", &O::shardAnchors, "anchors per shard file")
          .add("generate.batch", &O::batch, "images per generator call");
  return binding;
}

const SettingBinding<GenerateFolder>& generateFolderSettings() {
  static const SettingBinding<GenerateFolder> binding = SettingBinding<GenerateFolder>().add(
      "generate.out", &GenerateFolder::out, "dataset folder; empty = the run folder").role(KeyRole::Operational);
  return binding;
}

}  // namespace

void addGenerateKeys(ConfigSchema& schema) {
  addLatentViewKeys(schema);
  generateSettings().addKeys(schema);
  generateFolderSettings().addKeys(schema);
}

OfflineDatasetOptions offlineDatasetOptionsFromConfig(const Config& config) {
  OfflineDatasetOptions options = generateSettings().read(config);
  options.latent = latentViewOptionsFromConfig(config);
  options.seed = runOptionsFromConfig(config).seed;
  return options;
}

std::filesystem::path generateFolderFromConfig(const Config& config) { return generateFolderSettings().read(config).out; }

}  // namespace genrep
