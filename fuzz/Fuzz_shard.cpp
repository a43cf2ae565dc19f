// Synthetic shards (header, sizes, hash, labels): parse or std::invalid_argument, nothing
// else; a shard that parses has exactly the sizes its header declares.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "genrep/data/SyntheticShard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  try {
    const genrep::SyntheticShard shard = genrep::parseShard(bytes, "fuzz.grs");
    const genrep::ShardHeader& h = shard.header;
    if (shard.images.size() != h.imageBytes() || shard.z.size() != h.latentCount() || shard.y.size() != h.anchors ||
        shard.params.size() != h.paramCount() || h.fileBytes() != size) {
      std::abort();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
