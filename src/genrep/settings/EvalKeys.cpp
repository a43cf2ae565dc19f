#include "genrep/settings/EvalKeys.h"

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

const SettingBinding<FeatureLimits>& featureLimitSettings() {
  using O = FeatureLimits;
  using I = Bounds<int64_t>;
  static const SettingBinding<O> binding =
      SettingBinding<O>(KeyRole::Measures)
          .add("eval.fit_images", &O::fitImages, "training images the probes fit on (0 = all of train minus validation)", I::atLeast(0))
          .add("eval.test_images", &O::testImages, "test images scored (0 = the whole test split)", I::atLeast(0))
          .add("eval.batch", &O::batch, "images per encoder forward pass when extracting features", I::atLeast(1));
  return binding;
}

const SettingBinding<LinearProbeOptions>& linearProbeSettings() {
  using O = LinearProbeOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>(KeyRole::Measures)
          .add("eval.linear_epochs", &O::epochs, "epochs of the linear probe (accuracy after the last one)", Bounds<int64_t>::atLeast(1))
          .add("eval.linear_lr", &O::lr, "Adam learning rate of the linear probe", Bounds<double>::above(0))
          .add("eval.few_shot_steps", &O::fewShotSteps, "full-batch Adam steps of a few-shot probe", Bounds<int64_t>::atLeast(1))
          .add("eval.few_shot_lr", &O::fewShotLr, "Adam learning rate of a few-shot probe", Bounds<double>::above(0));
  return binding;
}

const SettingBinding<EvaluationOptions>& probeSettings() {
  using O = EvaluationOptions;
  using I = Bounds<int64_t>;
  static const SettingBinding<O> binding =
      SettingBinding<O>(KeyRole::Measures)
          .add("eval.knn_k", &O::knnK, "neighbours of the kNN probe", I::atLeast(1))
          .add("eval.knn_t", &O::knnTemperature, "temperature of the kNN vote weights", Bounds<double>::above(0))
          .add("eval.few_shot_per_class", &O::fewShotPerClass, "labelled images per class of the few-shot probe", I::atLeast(1))
          .add("eval.few_shot_draws", &O::fewShotDraws, "seeded draws of the few-shot probe (mean and spread)", I::atLeast(1));
  return binding;
}

}  // namespace

void addEvaluationKeys(ConfigSchema& schema) {
  featureLimitSettings().addKeys(schema);
  linearProbeSettings().addKeys(schema);
  probeSettings().addKeys(schema);
}

EvaluationOptions evaluationOptionsFromConfig(const Config& config) {
  EvaluationOptions o = probeSettings().read(config);
  featureLimitSettings().read(config, o.limits);
  linearProbeSettings().read(config, o.linear);
  o.limits.seed = runOptionsFromConfig(config).seed;
  o.linear.seed = o.limits.seed;
  return o;
}

}  // namespace genrep
