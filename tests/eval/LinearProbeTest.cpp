#include "genrep/eval/LinearProbe.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {
// Three Gaussian blobs in 5-d, far apart along different axes: linearly separable.
FeatureSet separableSet(uint64_t seed) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto make = [&](int64_t n, torch::Tensor& x, torch::Tensor& y) {
    y = torch::arange(n, torch::kInt64) % 3;
    x = torch::randn({n, 5}, rng) * 0.5;
    x.index_put_({torch::arange(n), y}, x.index({torch::arange(n), y}) + 4.0);
  };
  FeatureSet f;
  f.classes = 3;
  make(600, f.fit, f.fitLabels);
  make(150, f.val, f.valLabels);
  make(300, f.test, f.testLabels);
  return f;
}

TEST(LinearProbe, SeparatesALinearlySeparableSet) {
  const FeatureSet f = separableSet(1);
  LinearProbeOptions options;
  options.epochs = 100;  // 3 batches per epoch: 300 Adam steps
  const LinearProbeResult r = linearProbe(f, options);
  EXPECT_GT(r.testAccuracy, 0.95);
  EXPECT_EQ(r.valAccuracies.size(), options.weightDecays.size());
  const FewShotResult few = fewShotProbe(f, options, 5, 3);
  EXPECT_GT(few.mean, 0.95);
  EXPECT_EQ(few.accuracies.size(), 3u);
  EXPECT_GE(few.spread, 0.0);
}

TEST(LinearProbe, IsDeterministicForASeed) {
  const FeatureSet f = separableSet(2);
  LinearProbeOptions options;
  options.epochs = 3;
  EXPECT_EQ(linearProbe(f, options).testAccuracy, linearProbe(f, options).testAccuracy);
}

}  // namespace
}  // namespace genrep
