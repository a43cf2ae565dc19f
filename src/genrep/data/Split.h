#pragma once
// Carving a held-out part (validation from train, or test from an unsplit folder).
// Stratified: each class gives the same share, so a 10-class probe sees every class in
// both parts; unlabelled images are one group. The result depends only on the labels,
// the fraction and the seed (genrep's own RNG), never on the platform.
//
//   HoldOut split = carveHoldOut(train.labels, 0.1, deriveSeed(splitSeed, "data.val"));
//   ImageArray fit = train.select(split.kept), val = train.select(split.held);
#include <cstdint>
#include <vector>

namespace genrep {

struct HoldOut {
  std::vector<int64_t> kept;  // ascending indices
  std::vector<int64_t> held;  // ascending indices
};

// fraction in [0, 1). Each group holds out round(fraction * size) images but keeps at
// least one. Throws std::invalid_argument for a fraction outside [0, 1).
HoldOut carveHoldOut(const std::vector<int64_t>& labels, double fraction, uint64_t seed);

}  // namespace genrep
