#pragma once
// Learned latent walks (docs/steering.md): one direction w_e per pixel edit e, such that
// G(z + step_e(alpha) * w_e) looks like edit_e(G(z), alpha). step maps the edit's amount
// alpha onto [-1, 1]: alpha / max|alpha| for additive edits, log(alpha) / log(max) for zoom
// (log-uniform), so 0 is "no edit" for every walk. LibTorch-free: the latent sampler uses it.
// On disk, a folder:
//   <folder>/walks.json   {"format": "genrep-walks", "version": 1, "generator": {...},
//                          "latent_dim": Z, "walks": [{"edit": "zoom", "min": 0.5, "max": 2,
//                          "log_scale": true, "direction": [Z floats], "report": {...}}, ...]}
//
//   SteeringWalks walks = loadSteeringWalks("runs/steer/walks");
//   double alpha = walks.walks[0].drawAlpha(rng);            // zoom factor in [0.5, 2]
//   z[i] += walks.walks[0].step(alpha) * walks.walks[0].direction[i];
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/core/Random.h"

namespace genrep {

inline constexpr const char* kWalksFormat = "genrep-walks";
inline constexpr int kWalksVersion = 1;

struct SteeringWalk {
  std::string edit;       // zoom, shift_x, shift_y, rotate, brightness, contrast, red, green, blue
  double min = -1, max = 1;  // range of alpha (zoom: factor, shift: share of the width, rotate: degrees)
  bool logScale = false;  // alpha log-uniform in [min, max] (zoom)
  std::vector<float> direction;  // w [Z]
  nlohmann::json report;  // what training measured (errors with and without the walk)

  double drawAlpha(RandomStream& rng) const;
  double step(double alpha) const;  // in [-1, 1]; 0 = no edit
};

struct SteeringWalks {
  int64_t latentDim = 0;
  nlohmann::json generator;  // the generator the walks belong to (path, description)
  std::vector<SteeringWalk> walks;
};

// A short hex digest of the walks (edits, ranges, directions): settings that must not change
// under a resumed run or an offline dataset record it.
std::string walksFingerprint(const SteeringWalks& walks);

void saveSteeringWalks(const std::filesystem::path& folder, const SteeringWalks& walks);
// Throws std::invalid_argument naming the file when it is missing, of another format, or inconsistent.
SteeringWalks loadSteeringWalks(const std::filesystem::path& folder);

}  // namespace genrep
