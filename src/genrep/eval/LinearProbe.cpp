#include "genrep/eval/LinearProbe.h"

#include <cmath>
#include <stdexcept>

#include "genrep/core/MeanSpread.h"
#include "genrep/core/Random.h"

namespace genrep {
namespace F = torch::nn::functional;

namespace {

double accuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  return logits.argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
}

// Indices of `perClass` labelled examples of every class, drawn without replacement.
std::vector<int64_t> fewShotIndices(const torch::Tensor& labels, int64_t classes, int64_t perClass, uint64_t seed) {
  const auto* y = labels.data_ptr<int64_t>();
  std::vector<std::vector<int64_t>> byClass(static_cast<size_t>(classes));
  for (int64_t i = 0; i < labels.size(0); ++i) byClass[static_cast<size_t>(y[i])].push_back(i);
  RandomStream rng(seed);
  std::vector<int64_t> picked;
  for (auto& members : byClass) {
    if (static_cast<int64_t>(members.size()) < perClass) {
      throw std::invalid_argument("few-shot probe: a class has fewer than eval.few_shot_per_class training images");
    }
    rng.shuffle(members);
    picked.insert(picked.end(), members.begin(), members.begin() + perClass);
  }
  return picked;
}

}  // namespace

double fitLinearClassifier(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& xEval,
                           const torch::Tensor& yEval, int64_t classes, double weightDecay, int64_t epochs, int64_t batch,
                           double lr, uint64_t seed) {
  torch::NoGradGuard outer;  // re-enabled below only around the classifier's own steps
  // Standardised by the fit set; a floor on the spread keeps constant inputs (border pixels)
  // from blowing up when they vary on the evaluation set.
  const torch::Tensor mean = x.mean(0, true);
  const torch::Tensor spread = x.std(0, true, true).clamp_min(1e-2);
  const torch::Tensor xs = (x - mean) / spread, xe = (xEval - mean) / spread;
  torch::manual_seed(deriveSeed(seed, "eval.linear_init"));
  torch::nn::Linear linear(x.size(1), classes);
  torch::optim::Adam optimizer(linear->parameters(), torch::optim::AdamOptions(lr).weight_decay(weightDecay));
  RandomStream order(deriveSeed(seed, "eval.linear_order"));
  const int64_t n = x.size(0);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    order.shuffle(perm);
    const torch::Tensor index = torch::tensor(perm, torch::kInt64);
    for (int64_t start = 0; start < n; start += batch) {
      const torch::Tensor rows = index.slice(0, start, std::min(n, start + batch));
      torch::AutoGradMode enable(true);
      const torch::Tensor loss = F::cross_entropy(linear->forward(xs.index_select(0, rows)), y.index_select(0, rows));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  return accuracy(linear->forward(xe), yEval);
}

LinearProbeResult linearProbe(const FeatureSet& f, const LinearProbeOptions& options) {
  if (options.weightDecays.empty()) throw std::invalid_argument("linear probe: no weight decay candidates");
  LinearProbeResult result;
  double best = -1;
  for (double wd : options.weightDecays) {
    const double acc = fitLinearClassifier(f.fit, f.fitLabels, f.val, f.valLabels, f.classes, wd, options.epochs,
                                           options.batch, options.lr, options.seed);
    result.valAccuracies.push_back(acc);
    if (acc > best) best = acc, result.weightDecay = wd;
  }
  result.testAccuracy = fitLinearClassifier(torch::cat({f.fit, f.val}), torch::cat({f.fitLabels, f.valLabels}), f.test,
                                            f.testLabels, f.classes, result.weightDecay, options.epochs, options.batch,
                                            options.lr, options.seed);
  return result;
}

FewShotResult fewShotProbe(const FeatureSet& f, const LinearProbeOptions& options, int64_t perClass, int64_t draws) {
  if (perClass < 1 || draws < 1) throw std::invalid_argument("eval.few_shot_per_class and eval.few_shot_draws must be >= 1");
  FewShotResult result;
  result.perClass = perClass;
  const auto drawOf = [&](int64_t d) {
    const torch::Tensor rows = torch::tensor(fewShotIndices(f.fitLabels, f.classes, perClass,
                                                            mix64(deriveSeed(options.seed, "eval.few_shot") + static_cast<uint64_t>(d))),
                                             torch::kInt64);
    return std::make_pair(f.fit.index_select(0, rows), f.fitLabels.index_select(0, rows));
  };
  // Full-batch steps: epochs = steps, batch = everything.
  const auto fit = [&](const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& xe, const torch::Tensor& ye, double wd,
                       int64_t d) {
    return fitLinearClassifier(x, y, xe, ye, f.classes, wd, options.fewShotSteps, x.size(0), options.fewShotLr,
                               mix64(options.seed + static_cast<uint64_t>(d)));
  };
  double best = -1;
  for (double wd : options.weightDecays) {
    double sum = 0;
    for (int64_t d = 0; d < draws; ++d) {
      const auto [x, y] = drawOf(d);
      sum += fit(x, y, f.val, f.valLabels, wd, d);
    }
    if (sum > best) best = sum, result.weightDecay = wd;
  }
  for (int64_t d = 0; d < draws; ++d) {
    const auto [x, y] = drawOf(d);
    result.accuracies.push_back(fit(x, y, f.test, f.testLabels, result.weightDecay, d));
  }
  const MeanSpread summary = meanAndSpread(result.accuracies);
  result.mean = summary.mean;
  result.spread = summary.spread;
  return result;
}

}  // namespace genrep
