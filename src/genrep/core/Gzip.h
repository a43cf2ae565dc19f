#pragma once
// Transparent gzip: files may be stored compressed or not.
//
//   auto bytes = genrep::readMaybeGzip("t10k-labels-idx1-ubyte.gz");  // decompressed
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace genrep {

bool isGzip(const std::vector<uint8_t>& bytes);

// Decompresses every gzip member of `bytes`; `source` names the data in errors
// (a truncated or corrupt stream is bad input: std::invalid_argument naming it; a zlib that
// cannot start is std::runtime_error).
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& bytes, const std::string& source);

// Reads `file` and decompresses it when it starts with the gzip magic.
std::vector<uint8_t> readMaybeGzip(const std::filesystem::path& file);

}  // namespace genrep
