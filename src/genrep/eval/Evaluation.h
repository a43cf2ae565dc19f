#pragma once
// Every probe on one FeatureSet (docs/demo.md), with its settings, as a JSON record:
//   linear   top-1 on test after the last epoch, weight decay picked on validation
//   knn      k = 200, T = 0.1, cosine, bank = fit + val
//   few_shot k labels per class, mean and spread over seeded draws
//
//   EvaluationOptions options;              // from a config: settings/EvalKeys.h
//   nlohmann::json r = evaluateFeatures(encoderFeatures(encoder, dataset, options.limits, device), options);
#include <nlohmann/json.hpp>

#include "genrep/eval/FeatureSet.h"
#include "genrep/eval/LinearProbe.h"

namespace genrep {

struct EvaluationOptions {
  FeatureLimits limits;
  LinearProbeOptions linear;
  int64_t knnK = 200;
  double knnTemperature = 0.1;
  int64_t fewShotPerClass = 10;
  int64_t fewShotDraws = 5;
};

nlohmann::json evaluateFeatures(const FeatureSet& features, const EvaluationOptions& options);

}  // namespace genrep
