#include "genrep/train/BatchParts.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/dist/DataParallel.h"

namespace genrep {

BatchParts splitBatch(int64_t batch, const DataParallel& ranks, int64_t streamParts, uint64_t seed, const std::string& batchKey) {
  const int64_t world = ranks.worldSize();
  if (batch % world != 0) {
    throw std::invalid_argument(fmt::format("{} {} is the global batch and must divide evenly over the {} ranks", batchKey, batch, world));
  }
  const int64_t parts = world > 1 ? 1 : streamParts;
  if (parts < 1 || batch % (world * parts) != 0) {
    throw std::invalid_argument(fmt::format("{} {} must divide into {} parts", batchKey, batch, world * parts));
  }
  BatchParts split;
  split.local = batch / world;
  split.perPart = split.local / parts;
  split.firstPart = world > 1 ? ranks.rank() : 0;
  for (int64_t p = split.firstPart; p < split.firstPart + parts; ++p) split.seeds.push_back(rankSeed(seed, static_cast<int>(p)));
  return split;
}

}  // namespace genrep
