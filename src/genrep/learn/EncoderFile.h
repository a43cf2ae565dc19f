#pragma once
// A trained encoder on disk, a folder:
//   <folder>/encoder.pt    the weights as a pickled {name: tensor} dict (parameters and
//                          batch-norm buffers, CPU), which PyTorch reads with
//                          torch.load("encoder.pt") (docs/encoders.md shows the mapping)
//   <folder>/encoder.json  format "genrep-encoder", version, architecture, how it was made
// Both are written atomically, the manifest last, so a folder with a manifest is complete.
//
//   saveEncoder("runs/x/encoder", encoder, {{"objective", "simclr"}});
//   ResNetEncoder encoder = loadEncoder("runs/x/encoder");
#include <filesystem>

#include <nlohmann/json.hpp>

#include "genrep/learn/ResNetEncoder.h"

namespace genrep {

inline constexpr const char* kEncoderManifestFormat = "genrep-encoder";
inline constexpr int kEncoderManifestVersion = 1;

void saveEncoder(const std::filesystem::path& folder, ResNetEncoder& encoder, const nlohmann::json& training);
// Throws std::invalid_argument naming the folder or file when it is not a genrep encoder.
ResNetEncoder loadEncoder(const std::filesystem::path& folder);
nlohmann::json readEncoderManifest(const std::filesystem::path& folder);
bool isEncoderFolder(const std::filesystem::path& folder);  // has a manifest

}  // namespace genrep
