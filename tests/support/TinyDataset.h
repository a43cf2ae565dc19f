#pragma once
// An in-memory labelled dataset the torch tests can learn in seconds: class c is a
// bright bar at row band c of a dark image, plus deterministic noise.
#include <cstdint>

#include "genrep/data/RealDataset.h"

namespace genrep::test {

RealDataset tinyDataset(int64_t trainCount, int64_t testCount, int64_t classes, int64_t size);

}  // namespace genrep::test
