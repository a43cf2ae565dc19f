// CIFAR-10 and CIFAR-100 binary batches: parse or std::invalid_argument, nothing else.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "genrep/data/CifarReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  for (const genrep::CifarVariant variant : {genrep::CifarVariant::Cifar10, genrep::CifarVariant::Cifar100}) {
    try {
      const genrep::ImageArray images = genrep::readCifarBatch(bytes, "fuzz.bin", variant);
      images.checkConsistent("fuzz.bin");
    } catch (const std::invalid_argument&) {
    }
  }
  return 0;
}
