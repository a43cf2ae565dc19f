#include "genrep/data/CifarReader.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {
namespace {

constexpr int64_t kPixelBytes = 3 * 32 * 32;

int64_t labelBytes(CifarVariant variant) { return variant == CifarVariant::Cifar10 ? 1 : 2; }

const char* variantName(CifarVariant variant) { return variant == CifarVariant::Cifar10 ? "CIFAR-10" : "CIFAR-100"; }

}  // namespace

int64_t cifarClassCount(CifarVariant variant) { return variant == CifarVariant::Cifar10 ? 10 : 100; }

std::vector<std::string> cifarDefaultClassNames(CifarVariant variant) {
  if (variant == CifarVariant::Cifar10) {
    return {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  }
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) names.push_back(fmt::format("class{:02}", i));
  return names;
}

ImageArray readCifarBatch(const std::vector<uint8_t>& bytes, const std::string& source, CifarVariant variant) {
  const int64_t recordSize = labelBytes(variant) + kPixelBytes;
  const auto size = static_cast<int64_t>(bytes.size());
  if (size == 0) throw std::invalid_argument(fmt::format("{}: empty file, expected {} binary records", source, variantName(variant)));
  if (size % recordSize != 0) {
    throw std::invalid_argument(fmt::format(
        "{}: {} bytes is not a whole number of {}-byte {} records ({} full records and {} bytes left: truncated, or "
        "the wrong data.format)",
        source, size, recordSize, variantName(variant), size / recordSize, size % recordSize));
  }
  ImageArray images;
  images.count = size / recordSize;
  images.channels = 3;
  images.height = 32;
  images.width = 32;
  images.pixels.resize(static_cast<size_t>(images.count * kPixelBytes));
  images.labels.resize(static_cast<size_t>(images.count));
  const int64_t classes = cifarClassCount(variant);
  for (int64_t i = 0; i < images.count; ++i) {
    const uint8_t* record = bytes.data() + i * recordSize;
    const int64_t label = record[labelBytes(variant) - 1];  // the fine label for CIFAR-100
    if (label >= classes) {
      throw std::invalid_argument(fmt::format("{}: record {} has label {}, but {} labels are 0-{} (wrong data.format?)",
                                              source, i, label, variantName(variant), classes - 1));
    }
    images.labels[static_cast<size_t>(i)] = label;
    std::memcpy(images.pixels.data() + i * kPixelBytes, record + labelBytes(variant), kPixelBytes);
  }
  return images;
}

}  // namespace genrep
