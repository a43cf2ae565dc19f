#include "support/TinyDataset.h"

#include <string>

#include "genrep/core/Random.h"

namespace genrep::test {
namespace {

ImageArray makeImages(int64_t count, int64_t classes, int64_t size, uint64_t seed) {
  ImageArray images;
  images.count = count;
  images.channels = 1;
  images.height = size;
  images.width = size;
  RandomStream noise(seed);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t label = i % classes;
    images.labels.push_back(label);
    const int64_t bandTop = label * size / classes, bandBottom = (label + 1) * size / classes;
    for (int64_t y = 0; y < size; ++y) {
      for (int64_t x = 0; x < size; ++x) {
        const int64_t base = y >= bandTop && y < bandBottom ? 200 : 30;
        images.pixels.push_back(static_cast<uint8_t>(base + static_cast<int64_t>(noise.uniformInt(40))));
      }
    }
  }
  return images;
}

}  // namespace

RealDataset tinyDataset(int64_t trainCount, int64_t testCount, int64_t classes, int64_t size) {
  RealDataset dataset;
  dataset.format = "tiny";
  dataset.source = "memory";
  for (int64_t c = 0; c < classes; ++c) dataset.classNames.push_back("class" + std::to_string(c));
  dataset.train = makeImages(trainCount, classes, size, 1);
  dataset.test = makeImages(testCount, classes, size, 2);
  dataset.valFraction = 0.1;
  dataset.split = carveHoldOut(dataset.train.labels, 0.1, 0);
  return dataset;
}

}  // namespace genrep::test
