#pragma once
// A folder of PNG/JPEG images: either class sub-folders (classes in sorted name order,
// files in sorted order within each) or, with no sub-folders, one unlabelled set.
// All images must share one size; their channels are converted to `channels` (1 or 3;
// 0 = grey when the first image is grey, else RGB). Hidden files and files with other
// extensions are skipped.
//
//   LabelledFolder f = readImageFolder("pets/train", 0);
//   f.classNames;   // {"cat", "dog"}
//   f.images;       // [N, C, H, W] uint8, labels index into classNames
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genrep/data/ImageArray.h"

namespace genrep {

struct LabelledFolder {
  std::vector<std::string> classNames;  // empty for an unlabelled folder
  ImageArray images;
};

// Throws std::invalid_argument naming the folder or file: missing or empty folder, a
// class folder without images, an undecodable file, images of different sizes.
LabelledFolder readImageFolder(const std::filesystem::path& folder, int64_t channels);

// Decodes one PNG/JPEG held in memory to [C, H, W] uint8 with `channels` (1 or 3).
std::vector<uint8_t> decodeImage(const std::vector<uint8_t>& bytes, const std::string& source, int64_t channels,
                                 int64_t& height, int64_t& width);

}  // namespace genrep
