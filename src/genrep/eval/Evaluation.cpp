#include "genrep/eval/Evaluation.h"

#include <chrono>
#include <stdexcept>

#include "genrep/core/Config.h"
#include "genrep/eval/KnnProbe.h"

namespace genrep {

void addEvaluationKeys(ConfigSchema& schema) {
  schema.addInt("eval.fit_images", 0, "training images the probes fit on (0 = all of train minus validation)");
  schema.addInt("eval.test_images", 0, "test images scored (0 = the whole test split)");
  schema.addInt("eval.batch", 500, "images per encoder forward pass when extracting features");
  schema.addInt("eval.linear_epochs", 20, "epochs of the linear probe (accuracy after the last one)");
  schema.addFloat("eval.linear_lr", 1e-3, "Adam learning rate of the linear probe");
  schema.addInt("eval.knn_k", 200, "neighbours of the kNN probe");
  schema.addFloat("eval.knn_t", 0.1, "temperature of the kNN vote weights");
  schema.addInt("eval.few_shot_per_class", 10, "labelled images per class of the few-shot probe");
  schema.addInt("eval.few_shot_draws", 5, "seeded draws of the few-shot probe (mean and spread)");
  schema.addInt("eval.few_shot_steps", 300, "full-batch Adam steps of a few-shot probe");
  schema.addFloat("eval.few_shot_lr", 1e-2, "Adam learning rate of a few-shot probe");
}

EvaluationOptions evaluationOptionsFromConfig(const Config& config) {
  EvaluationOptions o;
  o.limits.fitImages = config.getInt("eval.fit_images");
  o.limits.testImages = config.getInt("eval.test_images");
  o.limits.batch = config.getInt("eval.batch");
  o.limits.seed = static_cast<uint64_t>(config.getInt("run.seed"));
  o.linear.epochs = config.getInt("eval.linear_epochs");
  o.linear.lr = config.getFloat("eval.linear_lr");
  o.linear.fewShotSteps = config.getInt("eval.few_shot_steps");
  o.linear.fewShotLr = config.getFloat("eval.few_shot_lr");
  o.linear.seed = o.limits.seed;
  o.knnK = config.getInt("eval.knn_k");
  o.knnTemperature = config.getFloat("eval.knn_t");
  o.fewShotPerClass = config.getInt("eval.few_shot_per_class");
  o.fewShotDraws = config.getInt("eval.few_shot_draws");
  requireSetting(o.limits.fitImages >= 0 && o.limits.testImages >= 0, "eval.fit_images and eval.test_images must be >= 0");
  requireSetting(o.limits.batch >= 1, "eval.batch must be >= 1");
  requireSetting(o.linear.epochs >= 1 && o.linear.fewShotSteps >= 1, "eval.linear_epochs and eval.few_shot_steps must be >= 1");
  requireSetting(o.linear.lr > 0 && o.linear.fewShotLr > 0, "eval.linear_lr and eval.few_shot_lr must be positive");
  requireSetting(o.knnK >= 1 && o.knnTemperature > 0, "eval.knn_k must be >= 1 and eval.knn_t positive");
  requireSetting(o.fewShotPerClass >= 1 && o.fewShotDraws >= 1, "eval.few_shot_per_class and eval.few_shot_draws must be >= 1");
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
