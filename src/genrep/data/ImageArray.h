#pragma once
// A set of images in memory, the form every real dataset reader produces.
// Plain C++ (no LibTorch) so the parsers stay cheap to build and easy to fuzz; a tensor
// view over `pixels` is free (from_blob) where LibTorch is needed.
//
//   ImageArray a = readIdxImages(bytes, "train-images-idx3-ubyte");
//   const uint8_t* first = a.image(0);       // channels * height * width bytes
//   ImageArray some = a.select({0, 5, 9});
#include <cstdint>
#include <string>
#include <vector>

namespace genrep {

struct ImageArray {
  int64_t count = 0;
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> pixels;  // [count, channels, height, width], uint8, row-major
  std::vector<int64_t> labels;  // [count], class index, or -1 for an unlabelled image

  int64_t imageSize() const { return channels * height * width; }
  const uint8_t* image(int64_t index) const { return pixels.data() + index * imageSize(); }
  bool labelled() const { return count > 0 && labels.front() >= 0; }

  // The images at `indices`, in that order. Throws std::out_of_range on a bad index.
  ImageArray select(const std::vector<int64_t>& indices) const;
  // Appends `other`, which must have the same image shape.
  void append(const ImageArray& other);
  // Throws std::invalid_argument naming `source` when sizes disagree.
  void checkConsistent(const std::string& source) const;
};

}  // namespace genrep
