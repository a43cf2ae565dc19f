#include "genrep/data/ImageArray.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {

ImageArray ImageArray::select(const std::vector<int64_t>& indices) const {
  ImageArray out;
  out.count = static_cast<int64_t>(indices.size());
  out.channels = channels;
  out.height = height;
  out.width = width;
  out.pixels.resize(static_cast<size_t>(out.count * imageSize()));
  out.labels.resize(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    const int64_t index = indices[i];
    if (index < 0 || index >= count) {
      throw std::out_of_range(fmt::format("ImageArray::select: index {} outside [0, {})", index, count));
    }
    std::memcpy(out.pixels.data() + static_cast<int64_t>(i) * imageSize(), image(index),
                static_cast<size_t>(imageSize()));
    out.labels[i] = labels[static_cast<size_t>(index)];
  }
  return out;
}

void ImageArray::append(const ImageArray& other) {
  if (count == 0 && pixels.empty()) {
    *this = other;
    return;
  }
  if (other.channels != channels || other.height != height || other.width != width) {
    throw std::invalid_argument(fmt::format("ImageArray::append: shape {}x{}x{} differs from {}x{}x{}",
                                            other.channels, other.height, other.width, channels, height, width));
  }
  pixels.insert(pixels.end(), other.pixels.begin(), other.pixels.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
  count += other.count;
}

void ImageArray::checkConsistent(const std::string& source) const {
  if (count < 0 || channels <= 0 || height <= 0 || width <= 0) {
    throw std::invalid_argument(fmt::format("{}: bad image shape [{}, {}, {}, {}]", source, count, channels, height, width));
  }
  if (pixels.size() != static_cast<size_t>(count * imageSize()) || labels.size() != static_cast<size_t>(count)) {
    throw std::invalid_argument(fmt::format("{}: {} images but {} pixel bytes and {} labels", source, count,
                                            pixels.size(), labels.size()));
  }
}

}  // namespace genrep
