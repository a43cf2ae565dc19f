#pragma once
// IDX files (MNIST, Fashion-MNIST): big-endian header, then uint8 data.
//   magic 0x0000 0x08 <ndims>, ndims int32 sizes, data.
// Images have 3 dimensions [N, H, W], labels 1 [N]. Anything else, a wrong magic, a
// truncated payload or trailing bytes is an std::invalid_argument naming `source`.
//
//   ImageArray train = readIdxPair(folder / "train-images-idx3-ubyte.gz",
//                                  folder / "train-labels-idx1-ubyte.gz");
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genrep/data/ImageArray.h"

namespace genrep {

ImageArray readIdxImages(const std::vector<uint8_t>& bytes, const std::string& source);  // labels all -1
std::vector<int64_t> readIdxLabels(const std::vector<uint8_t>& bytes, const std::string& source);

// Reads (gzipped or plain) image and label files and checks that their counts agree.
ImageArray readIdxPair(const std::filesystem::path& imagesFile, const std::filesystem::path& labelsFile);

}  // namespace genrep
