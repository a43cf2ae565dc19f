#pragma once
// Shard files of an offline synthetic dataset (`genrep generate`, docs/generators.md): a run of
// consecutive anchors, each with its pool of K neighbours, as the paper's loader read them.
// Binary layout, version 1, little-endian, fixed width:
//   offset  0  char[8]  magic "GRSHARD\0"
//           8  u32      version (1)
//          12  u32      anchors n in this shard
//          16  u64      first anchor index (global)
//          24  u32      views per anchor (1 + K: the anchor, then its K neighbours)
//          28  u32      channels, 32 u32 height, 36 u32 width
//          40  u32      latent size Z
//          44  i32      classes (0 = unconditional)
//          48  u32      latent view (0 none, 1 gaussian, 2 independent, 3 steering)
//          52  u32      view parameters P per view (steering: the alpha of each walk; else 0)
//          56  f64      sigma, 64 f64 truncation
//          72  u64      seed of the latent streams
//          80  u64      FNV-1a 64 hash of the payload
//          88  payload: images u8 [n, 1+K, C, H, W] (0..255 for the range [-1, 1]),
//                       z f32 [n, 1+K, Z], y i64 [n] (-1 unconditional), params f32 [n, 1+K, P]
// Written atomically (a reader never sees half a shard); read back with every size and the
// hash checked, so a truncated or corrupt shard is an error naming its file.
//
//   SyntheticShard s; s.header = ...; s.images = ...;   // sizes as the header says
//   writeShard(folder / shardFileName(3), s);
//   SyntheticShard back = readShard(folder / shardFileName(3));
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace genrep {

inline constexpr char kShardMagic[8] = {'G', 'R', 'S', 'H', 'A', 'R', 'D', '\0'};
inline constexpr uint32_t kShardVersion = 1;
inline constexpr size_t kShardHeaderBytes = 88;
// Latent view kinds a header may name: LatentViewKind's values (views/LatentView.h), which are
// append-only; a reader refuses larger ones as corrupt.
inline constexpr uint32_t kShardLatentViewKinds = 4;

struct ShardHeader {
  uint32_t anchors = 0;
  uint64_t firstAnchor = 0;
  uint32_t viewsPerAnchor = 1;
  uint32_t channels = 0, height = 0, width = 0;
  uint32_t latentDim = 0;
  int32_t classes = 0;
  uint32_t latentView = 0;
  uint32_t paramDim = 0;
  double sigma = 0;
  double truncation = 1;
  uint64_t seed = 0;
  uint64_t payloadHash = 0;  // filled in by writeShard

  uint64_t imageBytes() const;  // n * (1+K) * C * H * W
  uint64_t latentCount() const;  // n * (1+K) * Z
  uint64_t paramCount() const;   // n * (1+K) * P
  uint64_t fileBytes() const;    // header + payload
  // True when two shards belong to the same dataset (everything but the anchor range).
  bool sameDatasetAs(const ShardHeader& other) const;
};

struct SyntheticShard {
  ShardHeader header;
  std::vector<uint8_t> images;  // [n, 1+K, C, H, W]
  std::vector<float> z;         // [n, 1+K, Z]
  std::vector<int64_t> y;       // [n]
  std::vector<float> params;    // [n, 1+K, P]
};

std::string shardFileName(uint64_t index);  // "shard-000003.grs"

// Throws std::invalid_argument when the vectors do not have the sizes the header declares.
void writeShard(const std::filesystem::path& file, SyntheticShard shard);
// Throws std::invalid_argument naming the file: wrong magic or version, truncated, sizes, hash.
SyntheticShard readShard(const std::filesystem::path& file);
SyntheticShard parseShard(const std::vector<uint8_t>& bytes, const std::string& source);
// The header alone (magic, version and plausibility checked; the payload is not read).
ShardHeader readShardHeader(const std::filesystem::path& file);
ShardHeader parseShardHeader(const std::vector<uint8_t>& bytes, const std::string& source);

}  // namespace genrep
