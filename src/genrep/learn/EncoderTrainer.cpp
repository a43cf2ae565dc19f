#include "genrep/learn/EncoderTrainer.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Progress.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/dist/SyncBatchNorm.h"
#include "genrep/learn/LrSchedule.h"
#include "genrep/runtime/ChannelsLast.h"
#include "genrep/runtime/CheckpointArchive.h"
#include "genrep/runtime/FailureDump.h"

namespace genrep {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kCheckpointVersion = 1;

struct TrainerState {
  int64_t step = 0;
  double trainSeconds = 0, generateSeconds = 0, augmentSeconds = 0;
  double firstLoss = std::nan("");
  double lastLoss = std::nan("");
};

constexpr const char* kCheckpointKind = "encoder-training";

void saveCheckpoint(const std::filesystem::path& file, ResNetEncoder& encoder, Objective& objective,
                    torch::optim::SGD& optimizer, const TrainerState& s, const EncoderTrainingOptions& options) {
  CheckpointWriter out;
  out.part("encoder", *encoder);
  out.part("objective", objective);
  out.part("optimizer", optimizer);
  out.write("step", torch::tensor(s.step));
  out.write("times", torch::tensor({s.trainSeconds, s.generateSeconds, s.augmentSeconds, s.firstLoss, s.lastLoss}, torch::kFloat64));
  // Views are a pure function of (seed, step); torch's default stream is saved as well so
  // that nothing random in an objective or a module can drift after a resume.
  out.write("torch_rng", torch::globalContext().defaultGenerator(torch::kCPU).get_state());
  out.commit(file, {kCheckpointKind, kCheckpointVersion, s.step, options.settings.json(), {}});
}

std::optional<CheckpointFile> checkpointFor(const std::filesystem::path& file, const EncoderTrainingOptions& options) {
  if (!options.resume) return std::nullopt;
  return checkpointToResume(file, kCheckpointKind, kCheckpointVersion, options.settings, options.resumeChanged, "learn.resume");
}

void loadCheckpoint(const CheckpointFile& checkpoint, const std::filesystem::path& file, ResNetEncoder& encoder,
                    Objective& objective, torch::optim::SGD& optimizer, TrainerState& s) {
  try {
    CheckpointReader in(checkpoint);
    in.part("encoder", *encoder);
    in.part("objective", objective);
    in.part("optimizer", optimizer);
    s.step = in.tensor("step").item<int64_t>();
    const torch::Tensor times = in.tensor("times");
    s.trainSeconds = times[0].item<double>();
    s.generateSeconds = times[1].item<double>();
    s.augmentSeconds = times[2].item<double>();
    s.firstLoss = times[3].item<double>();
    s.lastLoss = times[4].item<double>();
    at::Generator global = torch::globalContext().defaultGenerator(torch::kCPU);  // a handle to the one stream
    global.set_state(in.tensor("torch_rng"));
  } catch (const std::exception& error) {
    const std::string message = error.what();
    throw std::runtime_error(fmt::format("cannot resume from checkpoint {}: {} (set learn.resume=false to start over)", file.string(),
                                         message.substr(0, message.find('\n'))));
  }
}

// Stops the run: the inputs of the step go beside the checkpoint, the error says where.
[[noreturn]] void stopOnNonFinite(const NonFiniteError& error, const std::filesystem::path& checkpoint, int64_t step,
                                  const EncoderTrainingOptions& options) {
  std::filesystem::path folder = checkpoint.parent_path();
  if (options.ranks && options.ranks->worldSize() > 1) folder /= fmt::format("rank-{}", options.ranks->rank());
  const std::filesystem::path dump = writeFailureDump(folder, step, options.seed, error.what(), error.inputs());
  throw std::runtime_error(fmt::format("{} at step {} (run.seed {}); the step's inputs are in {}", error.what(), step, options.seed,
                                       dump.string()));
}

}  // namespace

void checkEncoderCheckpoint(const std::filesystem::path& checkpoint, const EncoderTrainingOptions& options) {
  checkpointFor(checkpoint, options);
}

EncoderTrainingResult trainEncoder(ResNetEncoder& encoder, Objective& objective, ViewSource& source,
                                   const EncoderTrainingOptions& options, const std::filesystem::path& checkpoint,
                                   MetricsLog& metrics) {
  const std::shared_ptr<DataParallel> ranks = options.ranks ? options.ranks : DataParallel::single();
  const int64_t world = ranks->worldSize();
  if (options.batch % world != 0) {
    throw std::invalid_argument(fmt::format("learn.batch {} is the global batch and must divide evenly over the {} ranks", options.batch,
                                            world));
  }
  const int64_t localBatch = options.batch / world;
  objective.setDataParallel(ranks);
  synchroniseBatchNorm(*encoder, options.syncBatchNorm ? ranks : nullptr);
  // The speed switches as this CPU allows them (each refusal is one warning).
  const bool channelsLast = options.channelsLast && applyChannelsLast(*encoder, "learn.channels_last");
  const Precision precision = usablePrecision(options.precision, encoder->parameters().front().device(), "learn.precision");
  std::vector<torch::Tensor> parameters = encoder->parameters();
  for (const torch::Tensor& p : objective.parameters()) parameters.push_back(p);
  torch::optim::SGD optimizer(parameters,
                              torch::optim::SGDOptions(options.lr()).momentum(options.momentum).weight_decay(options.weightDecay));
  const LrSchedule schedule{options.lr(), options.steps, options.warmup, 1e-3};

  TrainerState s;
  if (const std::optional<CheckpointFile> found = checkpointFor(checkpoint, options)) {
    loadCheckpoint(*found, checkpoint, encoder, objective, optimizer, s);
    fmt::print(stderr, "train: resuming from {} at step {}\n", checkpoint.string(), s.step);
  }
  if (ranks->isMain()) {
    removeStaleTemporaries(checkpoint.parent_path());
    metrics.rewindTo(s.step);
  }
  // Every rank starts from rank 0's weights (the same seed makes the same ones; this makes sure).
  std::vector<torch::Tensor> state = parameters;
  for (const torch::Tensor& b : encoder->buffers()) state.push_back(b);
  for (const torch::Tensor& b : objective.buffers()) state.push_back(b);
  ranks->broadcastFromMain(state);

  encoder->train();
  objective.train();
  Progress progress(fmt::format("train (step {} of {})", s.step, options.steps), options.steps - s.step, "step");
  double lossSum = 0;
  int64_t sinceLog = 0;
  while (s.step < options.steps) {
    const auto start = Clock::now();
    ViewBatch batch;
    try {
      batch = source.batch(s.step, localBatch);
    } catch (const NonFiniteError& error) {
      stopOnNonFinite(error, checkpoint, s.step, options);
    }
    const double lr = schedule.at(s.step);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    torch::Tensor loss;
    {
      AutocastScope autocast(precision, batch.views.device());
      // NCHW views for an NCHW encoder even when the source made NHWC ones: LibTorch takes the
      // channels_last kernels when either the input or the weights are in that layout.
      const torch::Tensor views = channelsLast ? toChannelsLast(batch.views) : batch.views.contiguous();
      loss = objective.loss(encoder->forward(views), batch);
    }
    // The loss of the global batch: the mean of the ranks' shares, the same on every rank.
    const double value = ranks->meanOverRanks({loss.item<double>()})[0];
    if (!std::isfinite(value)) {
      // Checked before the update, which would carry the NaN into the weights.
      stopOnNonFinite(NonFiniteError(fmt::format("encoder training diverged (lower learn.lr_per_256): the loss is {}", value),
                                     {{"views", batch.views},
                                      {"anchor_ids", batch.anchorIds},
                                      {"classes", batch.classes},
                                      {"latents", batch.latents},
                                      {"synthetic", batch.synthetic}}),
                      checkpoint, s.step, options);
    }
    optimizer.zero_grad();
    loss.backward();
    ranks->averageGradients(parameters);
    optimizer.step();
    ++s.step;
    s.trainSeconds += std::chrono::duration<double>(Clock::now() - start).count();
    s.generateSeconds += batch.generateSeconds;
    s.augmentSeconds += batch.augmentSeconds;
    lossSum += value;
    ++sinceLog;
    progress.advance();

    if (s.step % options.logEvery == 0 || s.step == options.steps) {
      s.lastLoss = lossSum / static_cast<double>(sinceLog);
      if (std::isnan(s.firstLoss)) s.firstLoss = s.lastLoss;
      if (ranks->isMain()) {
        const double viewsPerStep = static_cast<double>(batch.views.size(0) * world);
        metrics.write({{"step", s.step},
                       {"loss", s.lastLoss},
                       {"lr", lr},
                       {"train_seconds", s.trainSeconds},
                       {"views_per_second", viewsPerStep * static_cast<double>(s.step) / s.trainSeconds},
                       {"generate_share", s.generateSeconds / s.trainSeconds},
                       {"augment_share", s.augmentSeconds / s.trainSeconds}});
      }
      lossSum = 0;
      sinceLog = 0;
    }
    if (ranks->isMain() && (s.step % options.checkpointEvery == 0 || s.step == options.steps)) {
      saveCheckpoint(checkpoint, encoder, objective, optimizer, s, options);
    }
  }
  progress.finish();

  EncoderTrainingResult result;
  result.steps = s.step;
  result.trainSeconds = s.trainSeconds;
  result.generateSeconds = s.generateSeconds;
  result.augmentSeconds = s.augmentSeconds;
  const double viewsPerStep = static_cast<double>(source.viewsPerAnchor() * options.batch);  // global
  result.viewsPerSecond = s.trainSeconds > 0 ? viewsPerStep * static_cast<double>(s.step) / s.trainSeconds : 0;
  result.finalLoss = s.lastLoss;
  result.firstLoss = s.firstLoss;
  result.channelsLast = channelsLast;
  result.precision = precision;
  encoder->eval();
  return result;
}

}  // namespace genrep
