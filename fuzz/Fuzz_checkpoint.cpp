// Checkpoint files (header, lengths, hash): decode or std::invalid_argument, nothing else; a
// file that decodes encodes back to exactly its bytes.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "genrep/core/CheckpointFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const genrep::CheckpointFile checkpoint = genrep::decodeCheckpoint(bytes, "fuzz.pt");
    if (genrep::encodeCheckpoint(checkpoint) != bytes) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
