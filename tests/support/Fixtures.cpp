#include "support/Fixtures.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <stb_image_write.h>
#include <zlib.h>

namespace genrep::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "genrep-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void writeBytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write fixture " + file.string());
}

void writeText(const std::filesystem::path& file, const std::string& text) {
  writeBytes(file, std::vector<uint8_t>(text.begin(), text.end()));
}

std::vector<uint8_t> gzipBytes(const std::vector<uint8_t>& bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::vector<uint8_t> out(deflateBound(&stream, bytes.size()) + 64);
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

namespace {
void putBigEndian32(std::vector<uint8_t>& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}
}  // namespace

uint8_t idxPixel(int64_t i, int64_t y, int64_t x) { return static_cast<uint8_t>((i * 7 + y * 3 + x) % 256); }

std::vector<uint8_t> idxImages(uint32_t count, uint32_t height, uint32_t width) {
  std::vector<uint8_t> out = {0, 0, 0x08, 3};
  putBigEndian32(out, count);
  putBigEndian32(out, height);
  putBigEndian32(out, width);
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t y = 0; y < height; ++y)
      for (uint32_t x = 0; x < width; ++x) out.push_back(idxPixel(i, y, x));
  return out;
}

std::vector<uint8_t> idxLabels(uint32_t count, uint32_t classes) {
  std::vector<uint8_t> out = {0, 0, 0x08, 1};
  putBigEndian32(out, count);
  for (uint32_t i = 0; i < count; ++i) out.push_back(static_cast<uint8_t>(i % classes));
  return out;
}

uint8_t cifarPixel(int64_t i, int64_t c, int64_t p) { return static_cast<uint8_t>((i + c * 50 + p) % 256); }

std::vector<uint8_t> cifarRecords(uint32_t count, bool cifar100) {
  std::vector<uint8_t> out;
  for (uint32_t i = 0; i < count; ++i) {
    if (cifar100) {
      out.push_back(static_cast<uint8_t>((i % 100) / 5));
      out.push_back(static_cast<uint8_t>(i % 100));
    } else {
      out.push_back(static_cast<uint8_t>(i % 10));
    }
    for (int c = 0; c < 3; ++c)
      for (int p = 0; p < 1024; ++p) out.push_back(cifarPixel(i, c, p));
  }
  return out;
}

void writePng(const std::filesystem::path& file, const std::vector<uint8_t>& planar, int channels, int height, int width) {
  std::vector<uint8_t> interleaved(planar.size());
  for (int c = 0; c < channels; ++c)
    for (int p = 0; p < height * width; ++p) interleaved[static_cast<size_t>(p * channels + c)] = planar[static_cast<size_t>(c * height * width + p)];
  std::filesystem::create_directories(file.parent_path());
  if (!stbi_write_png(file.c_str(), width, height, channels, interleaved.data(), width * channels)) {
    throw std::runtime_error("cannot write PNG fixture " + file.string());
  }
}

CommandResult runCommand(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace genrep::test
