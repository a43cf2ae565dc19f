#pragma once
// Small files the tests write for themselves: temporary folders, IDX, CIFAR, PNG, gzip.
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace genrep::test {

// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void writeBytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes);
void writeText(const std::filesystem::path& file, const std::string& text);
std::vector<uint8_t> gzipBytes(const std::vector<uint8_t>& bytes);

// IDX with pixel (i, y, x) = (i * 7 + y * 3 + x) % 256 and label i = i % classes.
std::vector<uint8_t> idxImages(uint32_t count, uint32_t height, uint32_t width);
std::vector<uint8_t> idxLabels(uint32_t count, uint32_t classes);
uint8_t idxPixel(int64_t i, int64_t y, int64_t x);

// CIFAR records with label `i % classes` (both coarse and fine for CIFAR-100: fine = i % 100,
// coarse = (i % 100) / 5) and pixel (i, c, p) = (i + c * 50 + p) % 256.
std::vector<uint8_t> cifarRecords(uint32_t count, bool cifar100);
uint8_t cifarPixel(int64_t i, int64_t c, int64_t p);

// Writes a PNG of planar pixels [C, H, W].
void writePng(const std::filesystem::path& file, const std::vector<uint8_t>& planar, int channels, int height, int width);

// Runs `f`, expects it to throw an `Error`, returns the message ("" and a test failure
// when nothing was thrown).
template <typename Error = std::exception, typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an error";
  return "";
}

// Runs a shell command; returns its exit status and what it printed (stdout + stderr).
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult runCommand(const std::string& command);

}  // namespace genrep::test
