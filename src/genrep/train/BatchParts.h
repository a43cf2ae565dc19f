#pragma once
// How a trainer's global batch splits over data-parallel ranks and, in one process, over
// stream parts: part p of the global batch is always drawn from streams seeded with
// rankSeed(seed, p), so W ranks (one part each) draw exactly what one process drawing W parts
// does (the tests compare the two on the same batches).
//
//   BatchParts parts = splitBatch(64, *ranks, /*streamParts*/ 1, seed, "gan.batch");
//   for (uint64_t s : parts.seeds) rngs.emplace_back(deriveSeed(s, "gan.noise"));   // parts.perPart rows each
#include <cstdint>
#include <string>
#include <vector>

namespace genrep {

class DataParallel;

struct BatchParts {
  int64_t local = 0;             // this rank's share of the global batch
  int64_t perPart = 0;           // rows drawn from each part's streams
  int64_t firstPart = 0;         // the global index of this process's first part (its rank, or 0)
  std::vector<uint64_t> seeds;   // the stream seed of each part this process draws, in order
};

// `streamParts` applies to one process (a data-parallel rank draws one part). Throws
// std::invalid_argument naming `batchKey` when the batch does not divide evenly.
BatchParts splitBatch(int64_t batch, const DataParallel& ranks, int64_t streamParts, uint64_t seed, const std::string& batchKey);

}  // namespace genrep
