#include "genrep/eval/Evaluation.h"

#include <chrono>
#include <stdexcept>

#include "genrep/core/Config.h"
#include "genrep/core/SettingBinding.h"
#include "genrep/eval/KnnProbe.h"

namespace genrep {

// The eval.* settings, declared once over the three structs they fill (defaults are theirs).
const SettingBinding<FeatureLimits>& featureLimitSettings() {
  using O = FeatureLimits;
  using I = Bounds<int64_t>;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("eval.fit_images", &O::fitImages, "training images the probes fit on (0 = all of train minus validation)", I::atLeast(0))
          .add("eval.test_images", &O::testImages, "test images scored (0 = the whole test split)", I::atLeast(0))
          .add("eval.batch", &O::batch, "images per encoder forward pass when extracting features", I::atLeast(1));
  return binding;
}

const SettingBinding<LinearProbeOptions>& linearProbeSettings() {
  using O = LinearProbeOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
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
      SettingBinding<O>()
          .add("eval.knn_k", &O::knnK, "neighbours of the kNN probe", I::atLeast(1))
          .add("eval.knn_t", &O::knnTemperature, "temperature of the kNN vote weights", Bounds<double>::above(0))
          .add("eval.few_shot_per_class", &O::fewShotPerClass, "labelled images per class of the few-shot probe", I::atLeast(1))
          .add("eval.few_shot_draws", &O::fewShotDraws, "seeded draws of the few-shot probe (mean and spread)", I::atLeast(1));
  return binding;
}

void addEvaluationKeys(ConfigSchema& schema) {
  featureLimitSettings().addKeys(schema);
  linearProbeSettings().addKeys(schema);
  probeSettings().addKeys(schema);
}

EvaluationOptions evaluationOptionsFromConfig(const Config& config) {
  EvaluationOptions o = probeSettings().read(config);
  featureLimitSettings().read(config, o.limits);
  linearProbeSettings().read(config, o.linear);
  o.limits.seed = static_cast<uint64_t>(config.getInt("run.seed"));
  o.linear.seed = o.limits.seed;
  return o;
}

nlohmann::json evaluateFeatures(const FeatureSet& f, const EvaluationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const LinearProbeResult linear = linearProbe(f, options.linear);
  const double knn = knnAccuracy(torch::cat({f.fit, f.val}), torch::cat({f.fitLabels, f.valLabels}), f.test, f.testLabels,
                                 f.classes, options.knnK, options.knnTemperature);
  const FewShotResult fewShot = fewShotProbe(f, options.linear, options.fewShotPerClass, options.fewShotDraws);
  const double probeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {{"linear", {{"top1", linear.testAccuracy},
                      {"weight_decay", linear.weightDecay},
                      {"val_top1_per_weight_decay", linear.valAccuracies},
                      {"weight_decays", options.linear.weightDecays},
                      {"epochs", options.linear.epochs},
                      {"lr", options.linear.lr}}},
          {"knn", {{"top1", knn}, {"k", options.knnK}, {"temperature", options.knnTemperature}}},
          {"few_shot", {{"mean", fewShot.mean},
                        {"spread", fewShot.spread},
                        {"per_draw", fewShot.accuracies},
                        {"per_class", fewShot.perClass},
                        {"weight_decay", fewShot.weightDecay},
                        {"steps", options.linear.fewShotSteps},
                        {"lr", options.linear.fewShotLr}}},
          {"feature_dim", f.fit.size(1)},
          {"fit_images", f.fit.size(0)},
          {"val_images", f.val.size(0)},
          {"test_images", f.test.size(0)},
          {"extract_seconds", f.extractSeconds},
          {"probe_seconds", probeSeconds}};
}

}  // namespace genrep
