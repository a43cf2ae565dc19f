#include "genrep/core/Gzip.h"

#include <stdexcept>

#include <fmt/format.h>
#include <zlib.h>

#include "genrep/core/FileIO.h"

namespace genrep {

bool isGzip(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& bytes, const std::string& source) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (checked by zlib's CRC).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    throw std::runtime_error(fmt::format("cannot decompress {}: zlib init failed", source));
  }
  std::vector<uint8_t> out;
  out.reserve(bytes.size() * 4);
  std::vector<uint8_t> chunk(1 << 18);
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  int status = Z_OK;
  while (true) {
    stream.next_out = chunk.data();
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&stream, Z_NO_FLUSH);
    out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - stream.avail_out));
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // input ended mid-stream
    if (status != Z_OK) break;
  }
  const std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (status != Z_STREAM_END) {
    if (status == Z_BUF_ERROR || status == Z_OK) {
      throw std::invalid_argument(fmt::format(
          "cannot decompress {}: the gzip stream is truncated (file cut short; download it again)",
          source));
    }
    throw std::invalid_argument(fmt::format("cannot decompress {}: corrupt gzip data ({})", source,
                                         message.empty() ? "zlib error" : message));
  }
  return out;
}

std::vector<uint8_t> readMaybeGzip(const std::filesystem::path& file) {
  std::vector<uint8_t> bytes = readFileBytes(file);
  if (!isGzip(bytes)) return bytes;
  return gunzip(bytes, file.string());
}

}  // namespace genrep
