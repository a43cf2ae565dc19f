#include "genrep/data/SyntheticShard.h"

#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/Hash.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "shard files are little-endian; this reader copies fields as they lie in memory"
#endif

namespace genrep {
namespace {

template <typename T>
uint64_t hashVector(uint64_t hash, const std::vector<T>& values) {
  return fnv1a(values.data(), values.size() * sizeof(T), hash);
}

uint64_t payloadHash(const SyntheticShard& s) {
  return hashVector(hashVector(hashVector(hashVector(kFnv1aOffset, s.images), s.z), s.y), s.params);
}

// Fixed offsets of the layout in the header comment.
template <typename T>
void put(std::vector<uint8_t>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}
template <typename T>
T get(const std::vector<uint8_t>& bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

std::vector<uint8_t> encodeHeader(const ShardHeader& h) {
  std::vector<uint8_t> bytes(kShardHeaderBytes, 0);
  std::memcpy(bytes.data(), kShardMagic, sizeof(kShardMagic));
  put<uint32_t>(bytes, 8, kShardVersion);
  put<uint32_t>(bytes, 12, h.anchors);
  put<uint64_t>(bytes, 16, h.firstAnchor);
  put<uint32_t>(bytes, 24, h.viewsPerAnchor);
  put<uint32_t>(bytes, 28, h.channels);
  put<uint32_t>(bytes, 32, h.height);
  put<uint32_t>(bytes, 36, h.width);
  put<uint32_t>(bytes, 40, h.latentDim);
  put<int32_t>(bytes, 44, h.classes);
  put<uint32_t>(bytes, 48, h.latentView);
  put<uint32_t>(bytes, 52, h.paramDim);
  put<double>(bytes, 56, h.sigma);
  put<double>(bytes, 64, h.truncation);
  put<uint64_t>(bytes, 72, h.seed);
  put<uint64_t>(bytes, 80, h.payloadHash);
  return bytes;
}

// n * (1+K) * per, refusing products that overflow or exceed `limit`.
uint64_t checkedCount(const ShardHeader& h, uint64_t per, uint64_t limit, const std::string& source) {
  const uint64_t views = uint64_t{h.anchors} * h.viewsPerAnchor;  // both < 2^32: no overflow
  if (per != 0 && views > limit / per) {
    throw std::invalid_argument(fmt::format("{}: the header declares {} anchors x {} views of {} values, more than the file "
                                            "holds (corrupt header)",
                                            source, h.anchors, h.viewsPerAnchor, per));
  }
  return views * per;
}

template <typename T>
void copyOut(std::vector<T>& out, const std::vector<uint8_t>& bytes, size_t& offset, uint64_t count) {
  out.resize(static_cast<size_t>(count));
  if (count == 0) return;  // an empty vector's data() may be null, which memcpy must not get
  std::memcpy(out.data(), bytes.data() + offset, count * sizeof(T));
  offset += count * sizeof(T);
}

}  // namespace

uint64_t ShardHeader::imageBytes() const { return uint64_t{anchors} * viewsPerAnchor * channels * height * width; }
uint64_t ShardHeader::latentCount() const { return uint64_t{anchors} * viewsPerAnchor * latentDim; }
uint64_t ShardHeader::paramCount() const { return uint64_t{anchors} * viewsPerAnchor * paramDim; }

bool ShardHeader::sameDatasetAs(const ShardHeader& o) const {
  return viewsPerAnchor == o.viewsPerAnchor && channels == o.channels && height == o.height && width == o.width &&
         latentDim == o.latentDim && classes == o.classes && latentView == o.latentView && paramDim == o.paramDim &&
         sigma == o.sigma && truncation == o.truncation && seed == o.seed;
}

std::string shardFileName(uint64_t index) { return fmt::format("shard-{:06d}.grs", index); }

void writeShard(const std::filesystem::path& file, SyntheticShard shard) {
  const ShardHeader& h = shard.header;
  if (shard.images.size() != h.imageBytes() || shard.z.size() != h.latentCount() || shard.y.size() != h.anchors ||
      shard.params.size() != h.paramCount()) {
    throw std::invalid_argument(fmt::format("shard {}: the data does not have the sizes its header declares", file.string()));
  }
  shard.header.payloadHash = payloadHash(shard);
  AtomicFileWriter out(file);
  const std::vector<uint8_t> header = encodeHeader(shard.header);
  out.write(header.data(), header.size());
  out.write(shard.images.data(), shard.images.size());
  out.write(shard.z.data(), shard.z.size() * sizeof(float));
  out.write(shard.y.data(), shard.y.size() * sizeof(int64_t));
  out.write(shard.params.data(), shard.params.size() * sizeof(float));
  out.commit();
}

ShardHeader parseShardHeader(const std::vector<uint8_t>& bytes, const std::string& source) {
  if (bytes.size() < kShardHeaderBytes) {
    throw std::invalid_argument(fmt::format("{}: {} bytes, too short for a shard header (truncated?)", source, bytes.size()));
  }
  if (std::memcmp(bytes.data(), kShardMagic, sizeof(kShardMagic)) != 0) {
    throw std::invalid_argument(fmt::format("{}: not a genrep shard (wrong magic)", source));
  }
  if (get<uint32_t>(bytes, 8) != kShardVersion) {
    throw std::invalid_argument(fmt::format("{}: shard version {} is not supported (this genrep reads version {})", source,
                                            get<uint32_t>(bytes, 8), kShardVersion));
  }
  ShardHeader h;
  h.anchors = get<uint32_t>(bytes, 12);
  h.firstAnchor = get<uint64_t>(bytes, 16);
  h.viewsPerAnchor = get<uint32_t>(bytes, 24);
  h.channels = get<uint32_t>(bytes, 28);
  h.height = get<uint32_t>(bytes, 32);
  h.width = get<uint32_t>(bytes, 36);
  h.latentDim = get<uint32_t>(bytes, 40);
  h.classes = get<int32_t>(bytes, 44);
  h.latentView = get<uint32_t>(bytes, 48);
  h.paramDim = get<uint32_t>(bytes, 52);
  h.sigma = get<double>(bytes, 56);
  h.truncation = get<double>(bytes, 64);
  h.seed = get<uint64_t>(bytes, 72);
  h.payloadHash = get<uint64_t>(bytes, 80);
  if (h.viewsPerAnchor == 0 || (h.channels != 1 && h.channels != 3) || h.height == 0 || h.width == 0 ||
      h.height > 65536 || h.width > 65536 || h.latentDim == 0 || h.latentDim > (1u << 20) || h.classes < 0 ||
      h.latentView >= kShardLatentViewKinds || h.paramDim > (1u << 20)) {
    throw std::invalid_argument(fmt::format("{}: implausible shard header ({} views per anchor, image {}x{}x{}, latent {}, "
                                            "classes {}); the file is corrupt",
                                            source, h.viewsPerAnchor, h.channels, h.height, h.width, h.latentDim, h.classes));
  }
  return h;
}

uint64_t ShardHeader::fileBytes() const {
  return kShardHeaderBytes + imageBytes() + latentCount() * sizeof(float) + uint64_t{anchors} * sizeof(int64_t) +
         paramCount() * sizeof(float);
}

ShardHeader readShardHeader(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument(fmt::format("cannot open shard {}", file.string()));
  std::vector<uint8_t> bytes(kShardHeaderBytes);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return parseShardHeader(bytes, file.string());
}

SyntheticShard parseShard(const std::vector<uint8_t>& bytes, const std::string& source) {
  SyntheticShard s;
  s.header = parseShardHeader(bytes, source);
  const ShardHeader& h = s.header;
  const uint64_t available = bytes.size() - kShardHeaderBytes;
  const uint64_t imageBytes = checkedCount(h, uint64_t{h.channels} * h.height * h.width, available, source);
  const uint64_t latents = checkedCount(h, h.latentDim, available / sizeof(float), source);
  const uint64_t params = checkedCount(h, h.paramDim, available / sizeof(float), source);
  const uint64_t expected = imageBytes + latents * sizeof(float) + uint64_t{h.anchors} * sizeof(int64_t) + params * sizeof(float);
  if (expected != available) {
    throw std::invalid_argument(fmt::format("{}: the header declares {} bytes of data, the file holds {} (truncated or corrupt)",
                                            source, expected, available));
  }
  size_t offset = kShardHeaderBytes;
  copyOut(s.images, bytes, offset, imageBytes);
  copyOut(s.z, bytes, offset, latents);
  copyOut(s.y, bytes, offset, h.anchors);
  copyOut(s.params, bytes, offset, params);
  if (payloadHash(s) != h.payloadHash) {
    throw std::invalid_argument(fmt::format("{}: the data does not match the shard's hash (corrupt file); delete it and run "
                                            "`genrep generate` again to rewrite it",
                                            source));
  }
  for (int64_t label : s.y) {
    if (label < -1 || label >= h.classes || (h.classes > 0 && label < 0)) {
      throw std::invalid_argument(fmt::format("{}: class {} outside [0, {})", source, label, h.classes));
    }
  }
  return s;
}

SyntheticShard readShard(const std::filesystem::path& file) { return parseShard(readFileBytes(file), file.string()); }

}  // namespace genrep
