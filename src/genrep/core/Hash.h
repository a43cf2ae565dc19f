#pragma once
// FNV-1a 64: the one hash genrep stores or derives from (stream names -> seeds, shard
// payloads, walk fingerprints). Not cryptographic; stable across platforms and builds.
//
//   uint64_t h = fnv1a(bytes.data(), bytes.size());
//   h = fnv1a(more.data(), more.size(), h);   // continues over several pieces
#include <cstddef>
#include <cstdint>

namespace genrep {

inline constexpr uint64_t kFnv1aOffset = 0xcbf29ce484222325ULL;

inline uint64_t fnv1a(const void* data, size_t size, uint64_t hash = kFnv1aOffset) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) hash = (hash ^ p[i]) * 0x100000001b3ULL;
  return hash;
}

}  // namespace genrep
