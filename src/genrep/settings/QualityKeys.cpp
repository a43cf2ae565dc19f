#include "genrep/settings/QualityKeys.h"

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

const SettingBinding<QualityOptions>& qualitySettings() {
  using O = QualityOptions;
  using I = Bounds<int64_t>;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("quality.cache", &O::cacheDir, "folder where the real-data quality classifier is cached; empty = $XDG_CACHE_HOME/genrep (~/.cache/genrep)")
          .add("quality.samples", &O::samples, "generated images for class consistency and the Fréchet distance", I::atLeast(100))
          .add("quality.tstr_samples", &O::tstrSamples, "generated images the train-on-synthetic classifier learns from", I::atLeast(100))
          .add("quality.truncation", &O::truncation, "latent truncation of the generated images (z = t * TN(-2, 2))")
          .add("quality.neighbour_sigmas", &O::neighbourSigmas,
               "gaussian view sigmas at which to measure how often a neighbour's image changes class (comma-separated; empty: skip)",
               Bounds<double>::above(0));
  return binding;
}

const SettingBinding<ClassifierTraining>& qualityClassifierSettings() {
  static const SettingBinding<ClassifierTraining> binding = SettingBinding<ClassifierTraining>().add(
      "quality.classifier_epochs", &ClassifierTraining::epochs, "epochs of the quality classifier (and of the TSTR classifier)",
      Bounds<int64_t>::atLeast(1));
  return binding;
}

}  // namespace

void addQualityKeys(ConfigSchema& schema) {
  qualitySettings().addKeys(schema);
  qualityClassifierSettings().addKeys(schema);
}

QualityOptions qualityOptionsFromConfig(const Config& config) {
  QualityOptions options = qualitySettings().read(config);
  qualityClassifierSettings().read(config, options.classifier);
  options.seed = runOptionsFromConfig(config).seed;
  options.classifier.seed = options.seed;
  return options;
}

}  // namespace genrep
