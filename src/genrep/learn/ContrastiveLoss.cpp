#include "genrep/learn/ContrastiveLoss.h"

#include <limits>
#include <stdexcept>

namespace genrep {

ContrastiveLossResult contrastiveLoss(const torch::Tensor& embeddings, const torch::Tensor& ids, double tau, double tauBase) {
  return contrastiveLossOfRows(embeddings, ids, tau, tauBase, 0, embeddings.dim() == 2 ? embeddings.size(0) : 0);
}

ContrastiveLossResult contrastiveLossOfRows(const torch::Tensor& embeddings, const torch::Tensor& ids, double tau, double tauBase,
                                            int64_t first, int64_t count) {
  if (embeddings.dim() != 2 || ids.dim() != 1 || ids.size(0) != embeddings.size(0)) {
    throw std::invalid_argument("contrastive loss: embeddings must be [N, D] and ids [N]");
  }
  if (!(tau > 0) || !(tauBase > 0)) throw std::invalid_argument("learn.tau and learn.tau_base must be positive");
  const int64_t n = embeddings.size(0);
  if (first < 0 || count < 0 || first + count > n) throw std::invalid_argument("contrastive loss: query rows outside the embeddings");
  const auto boolOptions = torch::TensorOptions().dtype(torch::kBool).device(embeddings.device());
  const torch::Tensor sameId = ids.unsqueeze(0) == ids.unsqueeze(1);                               // [N, N]
  const int64_t used = (sameId.sum(1) > 1).sum().item<int64_t>();                                  // rows with a positive
  const torch::Tensor self = torch::eye(n, boolOptions).slice(0, first, first + count);            // [c, N]
  torch::Tensor logits = embeddings.slice(0, first, first + count).matmul(embeddings.t()) / tau;  // [c, N]
  torch::Tensor others = logits.masked_fill(self, -std::numeric_limits<double>::infinity());      // j != i
  // Subtracting the row maximum changes nothing mathematically and keeps exp() finite.
  const torch::Tensor rowMax = std::get<0>(others.max(1, true)).detach();
  logits = logits - rowMax;
  const torch::Tensor logDenominator = torch::logsumexp(others - rowMax, 1, true);
  const torch::Tensor positive = sameId.slice(0, first, first + count).logical_and(self.logical_not()).to(logits.scalar_type());
  const torch::Tensor positives = positive.sum(1);  // [c]
  const torch::Tensor hasPositive = positives > 0;
  if (used == 0) return {embeddings.sum() * 0, 0};  // nothing to learn from, but a valid graph
  // `logits` is finite on the diagonal, where `positive` is 0, so the product has no NaN.
  const torch::Tensor meanLogProb = (positive * (logits - logDenominator)).sum(1) / positives.clamp_min(1);
  const torch::Tensor loss = -(tau / tauBase) * (meanLogProb.masked_select(hasPositive).sum() / used);
  return {loss, used};
}

}  // namespace genrep
