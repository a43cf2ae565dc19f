#pragma once
// An offline synthetic dataset (docs/generators.md, `genrep generate`): M anchors (M per class for a
// conditional generator, classes balanced), each with a pool of K neighbours from one latent
// view, stored as shard files (data/SyntheticShard.h) plus a description:
//   <folder>/dataset.json        format "genrep-synthetic" v1: generator, latent view, M, K,
//                                shard size, seed; "complete" once every shard is written
//   <folder>/shard-000000.grs    anchors [0, S), then [S, 2S), ...
// Anchor j and its neighbours come from the keyed latent streams (views/LatentView.h), so a
// shard's content depends only on the settings and its index: an interrupted run resumes by
// writing the shards that are missing, and nothing is duplicated or lost.
//
//   OfflineDatasetOptions o; o.anchorsPerClass = 1000; o.pool = 10;
//   OfflineDatasetReport r = writeOfflineDataset(generator, "runs/fm-1k", o, torch::kCPU, progress);
//   OfflineDataset d = loadOfflineDataset("runs/fm-1k");   // d.images [N, 1+K, C, H, W] uint8
#include <cstdint>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/gen/Generator.h"
#include "genrep/views/LatentView.h"

namespace genrep {

inline constexpr const char* kOfflineDatasetFormat = "genrep-synthetic";
inline constexpr int kOfflineDatasetVersion = 1;

struct OfflineDatasetOptions {
  LatentViewOptions latent;      // kind, sigma, truncation (classes are always balanced)
  int64_t anchorsPerClass = 1000;  // M; the total for an unconditional generator
  int64_t pool = 10;             // K neighbours per anchor (0 only with latent view none)
  int64_t shardAnchors = 1000;   // anchors per shard file
  int64_t batch = 256;           // images per generator call
  uint64_t seed = 0;

  void validate() const;  // throws std::invalid_argument naming the generate.* key
};

struct OfflineDatasetReport {
  int64_t anchors = 0;
  int64_t shards = 0;
  int64_t shardsWritten = 0;  // this call; the rest were there already
  int64_t images = 0;         // written by this call
  double seconds = 0;         // this call, wall time
  double generatorSeconds = 0;  // inside the generator's forward
  double imagesPerSecond() const { return seconds > 0 ? images / seconds : 0; }
  double generatorImagesPerSecond() const { return generatorSeconds > 0 ? images / generatorSeconds : 0; }
};

// progress(shardsDone, shardsTotal) after each shard. Throws std::invalid_argument when the
// folder holds a dataset with other settings.
OfflineDatasetReport writeOfflineDataset(Generator& generator, const std::filesystem::path& folder,
                                         const OfflineDatasetOptions& options, const nlohmann::json& generatorRecord,
                                         const torch::Device& device,
                                         const std::function<void(int64_t, int64_t)>& progress = {});

struct OfflineDataset {
  nlohmann::json description;  // dataset.json
  torch::Tensor images;        // [N, 1+K, C, H, W] uint8
  torch::Tensor latents;       // [N, 1+K, Z] float
  torch::Tensor classes;       // [N] int64, -1 unconditional
  int64_t classCount = 0;      // 0 = unconditional
  int64_t pool() const { return images.size(1) - 1; }
};

// Every shard, checked (hash, sizes, settings against dataset.json). Throws
// std::invalid_argument naming the folder or file when the dataset is incomplete or corrupt.
OfflineDataset loadOfflineDataset(const std::filesystem::path& folder);

}  // namespace genrep
