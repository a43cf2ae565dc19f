#pragma once
// What a dataset holds: counts per split and class, pixel statistics per channel.
//
//   nlohmann::json info = datasetSummary(dataset);   // what `genrep data info` writes
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/data/ImageArray.h"
#include "genrep/data/RealDataset.h"

namespace genrep {

struct PixelStats {
  std::vector<double> mean;  // [C], pixel values scaled to [0, 1]
  std::vector<double> std;   // [C], population standard deviation, same scale
  std::vector<int> min;      // [C], raw uint8
  std::vector<int> max;      // [C], raw uint8
};

PixelStats pixelStats(const ImageArray& images);
// Images per class index (size = classes); unlabelled images are not counted.
std::vector<int64_t> classCounts(const ImageArray& images, size_t classes);
std::vector<int64_t> classCounts(const ImageArray& images, const std::vector<int64_t>& indices, size_t classes);

nlohmann::json datasetSummary(const RealDataset& dataset);

}  // namespace genrep
