#pragma once
// The one contrastive loss that serves SimCLR and SupCon: views with equal ids
// are positives (SimCLR: id = anchor; SupCon: id = class). For view i with positives P(i),
//   loss_i = -(tau / tau_base) * mean_{p in P(i)} [ s_ip / tau - log sum_{j != i} exp(s_ij / tau) ]
// with s the cosine similarity of the L2-normalised features, averaged over the views that
// have a positive; views without one are left out (never NaN). Any number of views per id.
//
//   ContrastiveLossResult r = contrastiveLoss(embeddings, ids, 0.1, 0.07);   // r.loss scalar
//   // data parallel: this rank's rows [first, first + n) of the gathered embeddings as queries
//   ContrastiveLossResult part = contrastiveLossOfRows(gathered, gatheredIds, 0.1, 0.07, first, n);
#include <cstdint>

#include <torch/torch.h>

namespace genrep {

struct ContrastiveLossResult {
  torch::Tensor loss;          // scalar, differentiable
  int64_t viewsWithPositive;   // how many views entered the mean (of all rows)
};

// embeddings [N, D] L2-normalised (float or double); ids [N] int64.
ContrastiveLossResult contrastiveLoss(const torch::Tensor& embeddings, const torch::Tensor& ids, double tau, double tauBase);

// What rows [first, first + count) contribute to contrastiveLoss(embeddings, ids): their terms
// (every row stays a key), divided by the number of ALL views with a positive, so that the
// parts of disjoint row ranges add up to the whole loss. Each data-parallel rank takes its own
// rows of the gathered embeddings.
ContrastiveLossResult contrastiveLossOfRows(const torch::Tensor& embeddings, const torch::Tensor& ids, double tau, double tauBase,
                                            int64_t first, int64_t count);

}  // namespace genrep
