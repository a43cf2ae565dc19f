#include "genrep/eval/KnnProbe.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(KnnProbe, MatchesANaiveWeightedVote) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(3);
  const torch::Tensor bank = torch::randn({40, 4}, rng), queries = torch::randn({12, 4}, rng);
  const torch::Tensor labels = torch::randint(3, {40}, rng, torch::kInt64);
  const int64_t k = 7;
  const double t = 0.1;
  const torch::Tensor predicted = knnPredict(bank, labels, queries, 3, k, t);
  for (int64_t q = 0; q < 12; ++q) {
    std::vector<std::pair<double, int64_t>> similarity;
    for (int64_t i = 0; i < 40; ++i) {
      const double s = (queries[q].dot(bank[i]) / (queries[q].norm() * bank[i].norm())).item<double>();
      similarity.push_back({s, labels[i].item<int64_t>()});
    }
    std::sort(similarity.begin(), similarity.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<double> votes(3, 0.0);
    for (int64_t j = 0; j < k; ++j) votes[static_cast<size_t>(similarity[static_cast<size_t>(j)].second)] += std::exp(similarity[static_cast<size_t>(j)].first / t);
    const int64_t expected = std::max_element(votes.begin(), votes.end()) - votes.begin();
    EXPECT_EQ(predicted[q].item<int64_t>(), expected) << "query " << q;
  }
  EXPECT_DOUBLE_EQ(knnAccuracy(bank, labels, bank, labels, 3, 1, t), 1.0) << "k = 1 on the bank itself finds each point";
}

}  // namespace
}  // namespace genrep
