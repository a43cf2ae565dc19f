#pragma once
// Linear probes on frozen features (docs/demo.md). Features are standardised with the fit
// set's mean and spread; a linear classifier is trained with Adam and cross-entropy; the
// accuracy is the one after the LAST epoch (never the best epoch on test). The weight
// decay is picked on the validation split; then the classifier is refit on fit + val
// and scored once on test. The few-shot probe fits on k labels per class, picks its
// weight decay on validation as well, and reports mean and spread over seeded draws.
//
//   LinearProbeResult r = linearProbe(features, options);   // r.testAccuracy
//   FewShotResult f = fewShotProbe(features, options, 10, 5);
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "genrep/eval/FeatureSet.h"

namespace genrep {

struct LinearProbeOptions {
  int64_t epochs = 20;
  int64_t batch = 256;
  double lr = 1e-3;
  std::vector<double> weightDecays = {0.0, 1e-5, 1e-4, 1e-3};
  int64_t fewShotSteps = 300;  // full-batch Adam steps on the few labelled images
  double fewShotLr = 1e-2;     // few steps from a random start need a larger step size
  uint64_t seed = 0;
};

// Trains on (x [N, F], y [N]) and returns the accuracy on (xEval, yEval) after the last epoch.
double fitLinearClassifier(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& xEval,
                           const torch::Tensor& yEval, int64_t classes, double weightDecay, int64_t epochs, int64_t batch,
                           double lr, uint64_t seed);

struct LinearProbeResult {
  double testAccuracy = 0;
  double weightDecay = 0;             // the one picked on validation
  std::vector<double> valAccuracies;  // per candidate weight decay
};
LinearProbeResult linearProbe(const FeatureSet& features, const LinearProbeOptions& options);

struct FewShotResult {
  double mean = 0, spread = 0;  // spread: standard deviation over draws
  std::vector<double> accuracies;
  double weightDecay = 0;
  int64_t perClass = 0;
};
FewShotResult fewShotProbe(const FeatureSet& features, const LinearProbeOptions& options, int64_t perClass, int64_t draws);

}  // namespace genrep
