#pragma once
// What every genrep bench does before measuring: genrep's allocator settings, the thread
// count from GENREP_THREADS (0 or unset = every core, as the genrep command does), and a
// fixed LibTorch seed, so the benches run the way the command runs.
#include <cstdlib>

#include <torch/torch.h>

#include "genrep/runtime/Runtime.h"

namespace genrep::bench {

inline void configureBenchRuntime() {
  configureAllocator();
  const char* threads = std::getenv("GENREP_THREADS");
  configureThreads(threads ? std::atol(threads) : 0);
  torch::manual_seed(0);
}

}  // namespace genrep::bench
