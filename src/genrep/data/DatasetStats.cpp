#include "genrep/data/DatasetStats.h"

#include <algorithm>
#include <cmath>

namespace genrep {

PixelStats pixelStats(const ImageArray& images) {
  const auto channels = static_cast<size_t>(images.channels);
  const int64_t plane = images.height * images.width;
  PixelStats stats{std::vector<double>(channels, 0.0), std::vector<double>(channels, 0.0),
                   std::vector<int>(channels, 255), std::vector<int>(channels, 0)};
  if (images.count == 0) return stats;
  for (size_t c = 0; c < channels; ++c) {
    // Exact integer sums: no floating-point drift over tens of millions of pixels.
    uint64_t sum = 0, sumSquares = 0;
    int low = 255, high = 0;
    for (int64_t i = 0; i < images.count; ++i) {
      const uint8_t* p = images.image(i) + static_cast<int64_t>(c) * plane;
      for (int64_t k = 0; k < plane; ++k) {
        sum += p[k];
        sumSquares += uint64_t{p[k]} * p[k];
        low = std::min<int>(low, p[k]);
        high = std::max<int>(high, p[k]);
      }
    }
    const double n = static_cast<double>(images.count * plane);
    const double mean = static_cast<double>(sum) / n;
    const double variance = std::max(0.0, static_cast<double>(sumSquares) / n - mean * mean);
    stats.mean[c] = mean / 255.0;
    stats.std[c] = std::sqrt(variance) / 255.0;
    stats.min[c] = low;
    stats.max[c] = high;
  }
  return stats;
}

std::vector<int64_t> classCounts(const ImageArray& images, const std::vector<int64_t>& indices, size_t classes) {
  std::vector<int64_t> counts(classes, 0);
  for (const int64_t index : indices) {
    const int64_t label = images.labels[static_cast<size_t>(index)];
    if (label >= 0 && static_cast<size_t>(label) < classes) ++counts[static_cast<size_t>(label)];
  }
  return counts;
}

std::vector<int64_t> classCounts(const ImageArray& images, size_t classes) {
  std::vector<int64_t> all(static_cast<size_t>(images.count));
  for (int64_t i = 0; i < images.count; ++i) all[static_cast<size_t>(i)] = i;
  return classCounts(images, all, classes);
}

nlohmann::json datasetSummary(const RealDataset& dataset) {
  const size_t classes = dataset.classNames.size();
  const PixelStats train = pixelStats(dataset.train);
  const PixelStats test = pixelStats(dataset.test);
  const auto statsJson = [](const PixelStats& s) {
    return nlohmann::json{{"mean", s.mean}, {"std", s.std}, {"min", s.min}, {"max", s.max}};
  };
  nlohmann::json classesJson = nlohmann::json::array();
  const std::vector<int64_t> fit = classCounts(dataset.train, dataset.split.kept, classes);
  const std::vector<int64_t> val = classCounts(dataset.train, dataset.split.held, classes);
  const std::vector<int64_t> testCounts = classCounts(dataset.test, classes);
  for (size_t c = 0; c < classes; ++c) {
    classesJson.push_back({{"index", c}, {"name", dataset.classNames[c]}, {"train", fit[c]}, {"val", val[c]}, {"test", testCounts[c]}});
  }
  return {
      {"format", dataset.format},
      {"source", dataset.source},
      {"image_shape", {dataset.train.channels, dataset.train.height, dataset.train.width}},
      {"dtype", "uint8"},
      {"labelled", !dataset.classNames.empty()},
      {"classes", classesJson},
      {"splits",
       {{"train", dataset.split.kept.size()},
        {"val", dataset.split.held.size()},
        {"test", dataset.test.count},
        {"train_total", dataset.train.count},
        {"val_fraction", dataset.valFraction},
        {"split_seed", dataset.splitSeed}}},
      {"pixels", {{"scale", "[0, 1] = uint8 / 255"}, {"train", statsJson(train)}, {"test", statsJson(test)}}},
  };
}

}  // namespace genrep
