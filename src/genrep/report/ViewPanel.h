#pragma once
// View panels like the paper's figures (docs/generators.md, "View panels"): one row per anchor, then groups of
// columns, each a latent view of that anchor:
//   anchor | gaussian neighbours at sigma_1 | ... at sigma_n | independent (same class)
//          | steering (every learned walk at a random amount, when walks are given)
// An empty column separates the groups. Anchors come from the keyed latent streams with
// balanced classes, so row i is anchor i of a run with the same seed and truncation.
//
//   ViewPanelOptions o; o.sigmas = {0.25, 0.5, 1.0};
//   nlohmann::json layout = writeViewPanel(generator, "runs/views/panel.png", o);
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/gen/Generator.h"
#include "genrep/steer/SteeringWalks.h"

namespace genrep {

struct ViewPanelOptions {
  int64_t anchors = 8;                     // rows
  std::vector<double> sigmas = {0.25, 0.5, 1.0};
  int64_t perGroup = 3;                    // neighbours shown per sigma and for independent
  bool independent = true;                 // conditional generators only
  double truncation = 1.0;
  uint64_t seed = 0;
  std::shared_ptr<const SteeringWalks> walks;  // adds a steering group when set
};

// Writes the PNG atomically; returns its layout (the column groups, their views, the rows'
// classes) for a caption. Throws std::invalid_argument on impossible options.
nlohmann::json writeViewPanel(Generator& generator, const std::filesystem::path& file, const ViewPanelOptions& options);

}  // namespace genrep
