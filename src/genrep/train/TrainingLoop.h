#pragma once
// The one training loop every trainer runs (encoder, GAN, steering walks). It owns what they
// share: resuming from the run's checkpoint with the settings check, two-slot atomic
// checkpoints every few steps, the same start on every rank (rank 0's state broadcast), the
// stop on a NaN or an Inf with the step's inputs written beside the checkpoint, metrics lines
// over logging windows, the progress line. A trainer is a TrainingTask: its state, its step,
// and what its log lines and checkpoints hold beyond the loop's own (solo-learn's BaseMethod
// and the methods that add only their loss are the model).
//
//   class MyTask : public TrainingTask { ... };          // step() returns {{"loss", value}}
//   TrainingLoopOptions loop;  loop.steps = 500;  loop.checkpoint = run / "checkpoint.pt";  ...
//   int64_t steps = runTrainingLoop(task, loop, metrics);
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/core/MetricsLog.h"
#include "genrep/core/RunSettings.h"
#include "genrep/runtime/CheckpointArchive.h"

namespace genrep {

class DataParallel;

// A step's values: the global batch's (the same on every rank), in the order logged.
using StepValues = std::vector<std::pair<std::string, double>>;

class TrainingTask {
 public:
  virtual ~TrainingTask() = default;

  // One update at `step` (0-based). Throws NonFiniteError (runtime/FailureDump.h) with the
  // step's inputs on a NaN or an Inf, before the update that would spread it.
  virtual StepValues step(int64_t step) = 0;

  // The tensors every rank starts from rank 0's copy of (parameters and buffers).
  virtual std::vector<torch::Tensor> sharedState() = 0;

  // The metrics line after `step` (1-based: steps done), from the means of step()'s values
  // over the logging window; called on every rank, rank 0 writes it.
  virtual nlohmann::json logRecord(int64_t step, const StepValues& windowMeans) = 0;
  // A record written after the log line at `step` (rank 0 only), e.g. a quality probe.
  virtual std::optional<nlohmann::json> probe(int64_t /*step*/) { return std::nullopt; }
  // What the progress line shows after its rate (the last probe's reading); empty = nothing.
  virtual std::string progressNote() const { return {}; }

  // Checkpoints: gather() runs on every rank first (a collective, e.g. every rank's random
  // streams), then save() on rank 0. load() restores what save() wrote; the loop keeps the step.
  virtual void gather() {}
  virtual void save(CheckpointWriter& out) = 0;
  virtual void load(CheckpointReader& in) = 0;
};

struct TrainingLoopOptions {
  std::string name = "train";  // the command, in messages: "gan train: resuming from ..."
  int64_t steps = 0;
  int64_t logEvery = 10;
  int64_t checkpointEvery = 100;
  std::filesystem::path checkpoint;  // empty: no checkpoints, no resume; failure dumps go nowhere
  std::string checkpointKind;        // "encoder-training"
  uint32_t checkpointVersion = 1;
  std::string resumeKey;             // "learn.resume": the setting that starts over instead
  bool resume = true;
  bool resumeChanged = false;
  RunSettings settings;  // what decides the result: a checkpoint made with others is refused
  uint64_t seed = 0;     // named in a failure's message and dump
  bool showProgress = true;
  std::shared_ptr<DataParallel> ranks;  // null: one process
};

// The loop's part of a trainer's options (GanTrainingOptions, EncoderTrainingOptions, ...):
// steps, cadences, resume, settings, seed and ranks; the trainer adds its name and checkpoint.
template <class TrainerOptions>
TrainingLoopOptions loopOptionsOf(const TrainerOptions& o) {
  TrainingLoopOptions loop;
  loop.steps = o.steps;
  loop.logEvery = o.logEvery;
  loop.checkpointEvery = o.checkpointEvery;
  loop.resume = o.resume;
  loop.resumeChanged = o.resumeChanged;
  loop.settings = o.settings;
  loop.seed = o.seed;
  loop.ranks = o.ranks;
  return loop;
}

// The checkpoint a run with these options resumes from; nullopt when none (or resume off).
// Throws std::invalid_argument naming the file when it cannot be resumed from (another kind,
// other settings unless resumeChanged, unreadable): a command checks this before it builds
// anything.
std::optional<CheckpointFile> findResumeCheckpoint(const TrainingLoopOptions& options);

// Runs `task` from the checkpoint's step (or 0) to options.steps; returns the steps done.
// `metrics` may be null (no metrics lines).
int64_t runTrainingLoop(TrainingTask& task, const TrainingLoopOptions& options, MetricsLog* metrics);

}  // namespace genrep
