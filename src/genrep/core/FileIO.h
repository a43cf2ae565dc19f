#pragma once
// Checked file reading: every failure names the file and the reason.
//
//   std::vector<uint8_t> bytes = genrep::readFileBytes("train-images-idx3-ubyte");
//   std::string text = genrep::readFileText("config.toml");
//   nlohmann::json manifest = genrep::readJsonFile("manifest.json");
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace genrep {

// Throws std::runtime_error "cannot read <file>: <reason>" when the file is missing,
// unreadable or a directory.
std::vector<uint8_t> readFileBytes(const std::filesystem::path& file);
std::string readFileText(const std::filesystem::path& file);
// Throws as above, or std::invalid_argument "<file>: not valid JSON (<where>)".
nlohmann::json readJsonFile(const std::filesystem::path& file);

}  // namespace genrep
