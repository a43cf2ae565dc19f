#pragma once
// One encoder trainer for every objective and every view source: SGD with momentum and
// weight decay, linear warm-up then cosine decay by step (lr = lr_per_256 * batch / 256, down
// to lr / 1000). It runs as a task of the one training loop (train/TrainingLoop.h): metrics
// lines, a progress line, atomic checkpoints in the run folder (two slots) and exact resume
// from the last one (views are a pure function of seed and step); a NaN or Inf stops the run
// with the step's inputs written beside the checkpoint.
// Data parallel (options.ranks): `batch` is the global batch, each rank trains on its share
// from its own source, gradients are averaged over ranks, rank 0 alone writes.
//
//   EncoderTrainingOptions options;  options.steps = 200;   // or from a config: settings/LearnKeys.h
//   EncoderTrainingResult r = trainEncoder(encoder, *objective, *source, options, run.file("checkpoint.pt"), metrics);
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "genrep/core/MetricsLog.h"
#include "genrep/core/RunSettings.h"
#include "genrep/learn/Objective.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/runtime/Autocast.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

class DataParallel;

struct EncoderTrainingOptions {
  int64_t steps = 500;
  int64_t batch = 256;  // anchors per step (each with V views), over all ranks
  double lrPer256 = 0.03;
  double momentum = 0.9;
  double weightDecay = 1e-4;
  int64_t warmup = 0;
  int64_t checkpointEvery = 100;
  int64_t logEvery = 10;
  bool resume = true;
  uint64_t seed = 0;
  // What decides the result: a checkpoint made with other settings is refused unless
  // resumeChanged (run.resume_changed).
  RunSettings settings;
  bool resumeChanged = false;
  std::shared_ptr<DataParallel> ranks;  // null: one process
  bool syncBatchNorm = false;           // batch-norm statistics over every rank's share
  Precision precision = Precision::Float32;  // bf16: forward and loss under autocast
  bool channelsLast = false;                 // NHWC encoder weights and views
  // Steps between online monitor readings (0 = none): trainEncoder's `monitor` runs on rank 0
  // every this many steps and after the last, into the metrics as {"event": "monitor"}.
  int64_t monitorEvery = 50;

  double lr() const { return lrPer256 * static_cast<double>(batch) / 256.0; }
};

struct EncoderTrainingResult {
  int64_t steps = 0;
  double trainSeconds = 0;     // whole steps: generation, pixel views, forward, backward, update
  double generateSeconds = 0;  // of which in the generator
  double augmentSeconds = 0;   // of which in the pixel views
  double viewsPerSecond = 0;   // views through a whole step, per second
  double monitorSeconds = 0;   // in the online monitor, beside trainSeconds (not part of it)
  double finalLoss = 0;        // mean over the last logging window
  double firstLoss = 0;        // mean over the first logging window
  // The speed switches as applied: the options' unless this CPU refused them (runtime/).
  bool channelsLast = false;
  Precision precision = Precision::Float32;
};

// Throws std::invalid_argument naming `checkpoint` when it exists (and options.resume) but
// cannot be resumed from: unreadable, another kind, other settings. trainEncoder checks the
// same; a command calls this first to refuse before it prints or builds anything.
void checkEncoderCheckpoint(const std::filesystem::path& checkpoint, const EncoderTrainingOptions& options);

// A reading of the encoder being trained (eval/KnnMonitor: kNN top-1 on held-out images); it
// must leave the weights, statistics, mode and random streams as they were.
using EncoderMonitor = std::function<double(ResNetEncoder& encoder)>;

// `monitor` may be empty (no readings, whatever options.monitorEvery says).
EncoderTrainingResult trainEncoder(ResNetEncoder& encoder, Objective& objective, ViewSource& source,
                                   const EncoderTrainingOptions& options, const std::filesystem::path& checkpoint,
                                   MetricsLog& metrics, const EncoderMonitor& monitor = {});

}  // namespace genrep
