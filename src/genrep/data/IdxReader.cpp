#include "genrep/data/IdxReader.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Gzip.h"

namespace genrep {
namespace {

struct IdxHeader {
  std::vector<int64_t> dims;
  size_t dataOffset = 0;
};

uint32_t readBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

IdxHeader parseHeader(const std::vector<uint8_t>& bytes, size_t expectedDims, const std::string& what,
                      const std::string& source) {
  if (bytes.size() < 4) {
    throw std::invalid_argument(fmt::format("{}: {} bytes, too short for an IDX header (file truncated?)", source, bytes.size()));
  }
  if (bytes[0] != 0 || bytes[1] != 0) {
    throw std::invalid_argument(fmt::format(
        "{}: wrong magic number 0x{:02x}{:02x}{:02x}{:02x}, not an IDX file", source, bytes[0], bytes[1], bytes[2], bytes[3]));
  }
  if (bytes[2] != 0x08) {
    throw std::invalid_argument(
        fmt::format("{}: IDX element type 0x{:02x} is not supported; genrep reads uint8 (0x08) IDX files", source, bytes[2]));
  }
  if (bytes[3] != expectedDims) {
    throw std::invalid_argument(fmt::format("{}: IDX file with {} dimensions, expected {} for {} (magic 0x{:08x}); "
                                            "are the images and labels files swapped?",
                                            source, bytes[3], expectedDims, what, 0x800 + expectedDims));
  }
  IdxHeader header;
  header.dataOffset = 4 + 4 * expectedDims;
  if (bytes.size() < header.dataOffset) {
    throw std::invalid_argument(fmt::format("{}: truncated IDX header ({} bytes, needs {})", source, bytes.size(), header.dataOffset));
  }
  uint64_t payload = 1;
  for (size_t d = 0; d < expectedDims; ++d) {
    const uint32_t size = readBigEndian32(bytes.data() + 4 + 4 * d);
    if (size == 0 || size > (1u << 30)) {
      throw std::invalid_argument(fmt::format("{}: IDX dimension {} has size {}", source, d, size));
    }
    header.dims.push_back(size);
    payload *= size;
    if (payload > (uint64_t{1} << 40)) throw std::invalid_argument(fmt::format("{}: IDX sizes are implausibly large", source));
  }
  const uint64_t actual = bytes.size() - header.dataOffset;
  if (actual < payload) {
    throw std::invalid_argument(fmt::format("{}: truncated: the header declares {} bytes of {}, the file holds {}",
                                            source, payload, what, actual));
  }
  if (actual > payload) {
    throw std::invalid_argument(
        fmt::format("{}: {} trailing bytes after the {} the header declares (corrupt file?)", source, actual - payload, what));
  }
  return header;
}

}  // namespace

ImageArray readIdxImages(const std::vector<uint8_t>& bytes, const std::string& source) {
  const IdxHeader header = parseHeader(bytes, 3, "images", source);
  ImageArray images;
  images.count = header.dims[0];
  images.channels = 1;
  images.height = header.dims[1];
  images.width = header.dims[2];
  images.pixels.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header.dataOffset), bytes.end());
  images.labels.assign(static_cast<size_t>(images.count), -1);
  return images;
}

std::vector<int64_t> readIdxLabels(const std::vector<uint8_t>& bytes, const std::string& source) {
  const IdxHeader header = parseHeader(bytes, 1, "labels", source);
  return std::vector<int64_t>(bytes.begin() + static_cast<std::ptrdiff_t>(header.dataOffset), bytes.end());
}

ImageArray readIdxPair(const std::filesystem::path& imagesFile, const std::filesystem::path& labelsFile) {
  ImageArray images = readIdxImages(readMaybeGzip(imagesFile), imagesFile.string());
  std::vector<int64_t> labels = readIdxLabels(readMaybeGzip(labelsFile), labelsFile.string());
  if (static_cast<int64_t>(labels.size()) != images.count) {
    throw std::invalid_argument(fmt::format("{} holds {} images but {} holds {} labels; the two must match",
                                            imagesFile.string(), images.count, labelsFile.string(), labels.size()));
  }
  images.labels = std::move(labels);
  return images;
}

}  // namespace genrep
