#pragma once
// A sample sheet of a generator as PNG: one row per class for a conditional generator
// (`columns` samples each), else `rows` x `columns` samples.
//
//   writeGeneratorSheet(generator, runDir / "samples.png", {10, 8, 1.0, seed});
#include <cstdint>
#include <filesystem>

#include "genrep/gen/Generator.h"

namespace genrep {

struct SheetOptions {
  int64_t columns = 10;
  int64_t rows = 8;  // unconditional generators only
  double truncation = 1.0;
  uint64_t seed = 0;
};

void writeGeneratorSheet(Generator& generator, const std::filesystem::path& file, const SheetOptions& options);

}  // namespace genrep
