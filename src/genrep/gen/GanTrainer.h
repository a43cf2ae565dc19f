#pragma once
// Training genrep's own GAN: hinge loss, projection discriminator with an auxiliary
// classifier, Adam, an exponential moving average of G for sampling (with BigGAN-style
// warm-up). It runs as a task of the one training loop (train/TrainingLoop.h): atomic
// checkpoints in the run folder (two slots) and exact-step resume from the last one. A NaN or Inf loss stops the run with the step's inputs written to the run folder.
// Data parallel (options.ranks): each rank draws its share of every batch from its own
// streams, D's and G's gradients are averaged over ranks, rank 0 writes.
//
//   GanTrainingOptions options;  options.steps = 2000;   // or ganOptionsFromConfig (settings/GanKeys.h)
//   GanTrainingResult r = trainGan(dataset, options, run, metrics, probe);
//   // r.generatorFolder holds manifest.json + generator.pt (the EMA weights)
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "genrep/core/MetricsLog.h"
#include "genrep/core/RunDir.h"
#include "genrep/core/RunSettings.h"
#include "genrep/data/RealDataset.h"
#include "genrep/gen/GanNetworks.h"

namespace genrep {

class DataParallel;

struct GanTrainingOptions {
  bool conditional = true;
  int64_t latentDim = 64;
  int64_t widthG = 32;
  int64_t widthD = 32;
  int64_t steps = 4000;
  int64_t batch = 64;
  double lrG = 1e-4;
  double lrD = 4e-4;
  int64_t dSteps = 1;  // D updates per step, each on fresh batches; one G update per step
  double beta1 = 0.0;
  double beta2 = 0.9;
  double auxWeight = 1.0;  // auxiliary classification loss weight (conditional only)
  int64_t auxEndStep = 0;  // the auxiliary loss applies to steps before this one; 0 = every step
  double emaDecay = 0.999;
  int64_t checkpointEvery = 500;
  int64_t evalEvery = 1000;  // steps between quality probes; 0 = none
  int64_t logEvery = 50;
  bool resume = true;
  std::filesystem::path out;  // generator folder; empty = <run>/generator
  uint64_t seed = 0;
  std::string configToml;  // stored in the manifest
  // What decides the result (not gan.steps: training can be extended); a checkpoint made
  // with other settings is refused unless resumeChanged (run.resume_changed).
  RunSettings settings;
  bool resumeChanged = false;
  std::shared_ptr<DataParallel> ranks;  // null: one process; else `batch` is split over them
  bool syncBatchNorm = false;           // G's batch-norm statistics over every rank's share
  // One process: draw each batch as this many parts, part p from the streams rank p of a
  // data-parallel run would use (tests compare W ranks with one process on their batches).
  int64_t streamParts = 1;
};

// Called every evalEvery steps with the EMA generator; returns metrics to log.
using GanProbe = std::function<nlohmann::json(GanGeneratorNet& ema)>;

struct GanTrainingResult {
  std::filesystem::path generatorFolder;
  int64_t steps = 0;
  double trainSeconds = 0;      // training steps only (no probes, no checkpoints)
  double dImagesPerSecond = 0;  // real + fake images through a D step, per second
  double gImagesPerSecond = 0;  // generated images through a G step, per second
};

// Throws std::invalid_argument naming the run's checkpoint when it exists (and options.resume)
// but cannot be resumed from; trainGan checks the same, a command calls this first.
void checkGanCheckpoint(const RunDir& run, const GanTrainingOptions& options);

GanTrainingResult trainGan(const RealDataset& dataset, const GanTrainingOptions& options, const RunDir& run,
                           MetricsLog& metrics, const GanProbe& probe = {});

}  // namespace genrep
