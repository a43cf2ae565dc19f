#include "genrep/eval/KnnProbe.h"

#include <stdexcept>

namespace genrep {
namespace F = torch::nn::functional;

torch::Tensor knnPredict(const torch::Tensor& bank, const torch::Tensor& bankLabels, const torch::Tensor& queries,
                         int64_t classes, int64_t k, double temperature) {
  if (k < 1 || !(temperature > 0)) throw std::invalid_argument("eval.knn_k must be >= 1 and eval.knn_t positive");
  torch::NoGradGuard noGrad;
  const int64_t kk = std::min<int64_t>(k, bank.size(0));
  const torch::Tensor b = F::normalize(bank, F::NormalizeFuncOptions().dim(1));
  const torch::Tensor q = F::normalize(queries, F::NormalizeFuncOptions().dim(1));
  std::vector<torch::Tensor> predictions;
  constexpr int64_t kChunk = 1000;  // [1000, N] similarities at a time
  for (int64_t start = 0; start < q.size(0); start += kChunk) {
    const torch::Tensor similarity = q.slice(0, start, std::min(q.size(0), start + kChunk)).matmul(b.t());
    const auto [top, index] = similarity.topk(kk, 1);
    const torch::Tensor votes = torch::zeros({top.size(0), classes}, top.options())
                                    .scatter_add_(1, bankLabels.index_select(0, index.flatten()).view_as(index),
                                                  (top / temperature).exp());
    predictions.push_back(votes.argmax(1));
  }
  return torch::cat(predictions);
}

double knnAccuracy(const torch::Tensor& bank, const torch::Tensor& bankLabels, const torch::Tensor& queries,
                   const torch::Tensor& queryLabels, int64_t classes, int64_t k, double temperature) {
  return knnPredict(bank, bankLabels, queries, classes, k, temperature).eq(queryLabels).to(torch::kFloat64).mean().item<double>();
}

}  // namespace genrep
