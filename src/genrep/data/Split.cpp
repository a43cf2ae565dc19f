#include "genrep/data/Split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"

namespace genrep {

HoldOut carveHoldOut(const std::vector<int64_t>& labels, double fraction, uint64_t seed) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw std::invalid_argument(fmt::format("split: fraction {} must be in [0, 1)", fraction));
  }
  std::map<int64_t, std::vector<int64_t>> groups;  // ordered by label: stable across runs
  for (size_t i = 0; i < labels.size(); ++i) groups[labels[i]].push_back(static_cast<int64_t>(i));

  HoldOut split;
  for (auto& [label, members] : groups) {
    // One stream per group, so that adding images of one class does not reshuffle another.
    RandomStream random(deriveSeed(seed, fmt::format("group{}", label)));
    random.shuffle(members);
    auto held = static_cast<size_t>(std::llround(fraction * static_cast<double>(members.size())));
    held = std::min(held, members.size() - 1);
    split.held.insert(split.held.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(held));
    split.kept.insert(split.kept.end(), members.begin() + static_cast<std::ptrdiff_t>(held), members.end());
  }
  std::sort(split.kept.begin(), split.kept.end());
  std::sort(split.held.begin(), split.held.end());
  return split;
}

}  // namespace genrep
