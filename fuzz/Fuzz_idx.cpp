// IDX images and labels, plain or gzipped: any input either parses into consistent arrays
// or throws std::invalid_argument (the documented error). Anything else is a finding.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "genrep/core/Gzip.h"
#include "genrep/data/IdxReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  try {
    if (genrep::isGzip(bytes)) bytes = genrep::gunzip(bytes, "fuzz.gz");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  try {
    const genrep::ImageArray images = genrep::readIdxImages(bytes, "fuzz-images");
    images.checkConsistent("fuzz-images");
  } catch (const std::invalid_argument&) {
  }
  try {
    genrep::readIdxLabels(bytes, "fuzz-labels");
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
