#include "genrep/core/FileIO.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace genrep {
namespace {

template <typename Container>
Container readWhole(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw std::runtime_error(fmt::format("cannot read {}: it is a directory, expected a file", file.string()));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) throw std::runtime_error(fmt::format("cannot read {}: cannot tell its size", file.string()));
  Container data(static_cast<size_t>(size), 0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(data.data()), size)) {
    throw std::runtime_error(fmt::format("cannot read {}: read failed after {} of {} bytes", file.string(),
                                         in.gcount(), size));
  }
  return data;
}

}  // namespace

std::vector<uint8_t> readFileBytes(const std::filesystem::path& file) {
  return readWhole<std::vector<uint8_t>>(file);
}

std::string readFileText(const std::filesystem::path& file) { return readWhole<std::string>(file); }

nlohmann::json readJsonFile(const std::filesystem::path& file) {
  const std::string text = readFileText(file);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(fmt::format("{}: not valid JSON ({})", file.string(), error.what()));
  }
}

}  // namespace genrep
