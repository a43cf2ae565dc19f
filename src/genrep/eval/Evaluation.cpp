#include "genrep/eval/Evaluation.h"

#include <chrono>
#include <stdexcept>

#include "genrep/eval/KnnProbe.h"

namespace genrep {

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
