#include "genrep/learn/EncoderTrainer.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "genrep/dist/DataParallel.h"
#include "genrep/learn/EncoderStep.h"
#include "genrep/learn/LrSchedule.h"
#include "genrep/runtime/FailureDump.h"
#include "genrep/train/BatchParts.h"
#include "genrep/train/TrainingLoop.h"

namespace genrep {
namespace {

using Clock = std::chrono::steady_clock;

TrainingLoopOptions loopOptions(const EncoderTrainingOptions& options, const std::filesystem::path& checkpoint) {
  TrainingLoopOptions loop = loopOptionsOf(options);
  loop.name = "train";
  loop.checkpoint = checkpoint;
  loop.checkpointKind = "encoder-training";
  loop.checkpointVersion = 1;
  loop.resumeKey = "learn.resume";
  return loop;
}

// An encoder and its objective learning from a view source: the one step (learn/EncoderStep.h)
// under warm-up then cosine decay, with the NaN stop, the timings and the checkpoint.
class EncoderTask : public TrainingTask {
 public:
  EncoderTask(ResNetEncoder& encoder, Objective& objective, ViewSource& source, const EncoderTrainingOptions& options,
              const EncoderMonitor& monitor)
      : encoder_(encoder),
        monitor_(monitor),
        objective_(objective),
        source_(source),
        options_(options),
        ranks_(options.ranks ? options.ranks : DataParallel::single()),
        // The source seeds each rank's streams itself (views/ViewSourceOptions.h): only the share is needed.
        localBatch_(splitBatch(options.batch, *ranks_, 1, options.seed, "learn.batch").local),
        schedule_{options.lr(), options.steps, options.warmup, 1e-3},
        step_(encoder, objective, options, ranks_) {}

  StepValues step(int64_t step) override {
    const auto start = Clock::now();
    const ViewBatch batch = source_.batch(step, localBatch_);
    lr_ = schedule_.at(step);
    step_.setLr(lr_);
    const torch::Tensor loss = step_.loss(batch);
    // The loss of the global batch: the mean of the ranks' shares, the same on every rank.
    const double value = ranks_->meanOverRanks({loss.item<double>()})[0];
    if (!std::isfinite(value)) {
      throw NonFiniteError(fmt::format("encoder training diverged (lower learn.lr_per_256): the loss is {}", value),
                           {{"views", batch.views},
                            {"anchor_ids", batch.anchorIds},
                            {"classes", batch.classes},
                            {"latents", batch.latents},
                            {"synthetic", batch.synthetic}});
    }
    step_.backward(loss);
    step_.apply();
    trainSeconds_ += std::chrono::duration<double>(Clock::now() - start).count();
    generateSeconds_ += batch.generateSeconds;
    augmentSeconds_ += batch.augmentSeconds;
    viewsPerStep_ = static_cast<double>(batch.views.size(0) * ranks_->worldSize());
    return {{"loss", value}};
  }

  std::vector<torch::Tensor> sharedState() override {
    std::vector<torch::Tensor> state = step_.parameters();
    for (const torch::Tensor& b : encoder_->buffers()) state.push_back(b);
    for (const torch::Tensor& b : objective_.buffers()) state.push_back(b);
    return state;
  }

  nlohmann::json logRecord(int64_t step, const StepValues& windowMeans) override {
    lastLoss_ = windowMeans.at(0).second;
    if (std::isnan(firstLoss_)) firstLoss_ = lastLoss_;
    return {{"step", step},
            {"loss", lastLoss_},
            {"lr", lr_},
            {"train_seconds", trainSeconds_},
            {"views_per_second", viewsPerStep_ * static_cast<double>(step) / trainSeconds_},
            {"generate_share", generateSeconds_ / trainSeconds_},
            {"augment_share", augmentSeconds_ / trainSeconds_}};
  }

  std::optional<nlohmann::json> probe(int64_t step) override {
    if (!monitor_ || options_.monitorEvery <= 0 || (step % options_.monitorEvery != 0 && step != options_.steps)) return std::nullopt;
    const auto start = Clock::now();
    const double top1 = monitor_(encoder_);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    monitorSeconds_ += seconds;
    note_ = fmt::format("kNN {:.1f} %", 100 * top1);
    return nlohmann::json{{"event", "monitor"},
                          {"step", step},
                          {"knn_top1", top1},
                          {"monitor_seconds", seconds},
                          {"monitor_share", trainSeconds_ > 0 ? monitorSeconds_ / trainSeconds_ : 0.0}};
  }
  std::string progressNote() const override { return note_; }

  void save(CheckpointWriter& out) override {
    out.part("encoder", *encoder_);
    out.part("objective", objective_);
    out.part("optimizer", step_.optimizer());
    out.write("times", torch::tensor({trainSeconds_, generateSeconds_, augmentSeconds_, firstLoss_, lastLoss_, monitorSeconds_},
                                     torch::kFloat64));
    // Views are a pure function of (seed, step); torch's default stream is saved as well so
    // that nothing random in an objective or a module can drift after a resume.
    out.write("torch_rng", torch::globalContext().defaultGenerator(torch::kCPU).get_state());
  }

  void load(CheckpointReader& in) override {
    in.part("encoder", *encoder_);
    in.part("objective", objective_);
    in.part("optimizer", step_.optimizer());
    const torch::Tensor times = in.tensor("times");
    trainSeconds_ = times[0].item<double>();
    generateSeconds_ = times[1].item<double>();
    augmentSeconds_ = times[2].item<double>();
    firstLoss_ = times[3].item<double>();
    lastLoss_ = times[4].item<double>();
    monitorSeconds_ = times.numel() > 5 ? times[5].item<double>() : 0.0;  // checkpoints before the monitor have 5
    at::Generator global = torch::globalContext().defaultGenerator(torch::kCPU);  // a handle to the one stream
    global.set_state(in.tensor("torch_rng"));
  }

  EncoderTrainingResult result(int64_t steps) const {
    EncoderTrainingResult r;
    r.steps = steps;
    r.trainSeconds = trainSeconds_;
    r.generateSeconds = generateSeconds_;
    r.augmentSeconds = augmentSeconds_;
    r.monitorSeconds = monitorSeconds_;
    const double viewsPerStep = static_cast<double>(source_.viewsPerAnchor() * options_.batch);  // global
    r.viewsPerSecond = trainSeconds_ > 0 ? viewsPerStep * static_cast<double>(steps) / trainSeconds_ : 0;
    r.finalLoss = lastLoss_;
    r.firstLoss = firstLoss_;
    r.channelsLast = step_.channelsLast();
    r.precision = step_.precision();
    return r;
  }

 private:
  ResNetEncoder& encoder_;
  const EncoderMonitor& monitor_;
  Objective& objective_;
  ViewSource& source_;
  const EncoderTrainingOptions& options_;
  std::shared_ptr<DataParallel> ranks_;
  int64_t localBatch_;
  LrSchedule schedule_;
  EncoderStep step_;
  double lr_ = 0, viewsPerStep_ = 0;
  double trainSeconds_ = 0, generateSeconds_ = 0, augmentSeconds_ = 0, monitorSeconds_ = 0;
  std::string note_;
  double firstLoss_ = std::nan(""), lastLoss_ = std::nan("");
};

}  // namespace

void checkEncoderCheckpoint(const std::filesystem::path& checkpoint, const EncoderTrainingOptions& options) {
  findResumeCheckpoint(loopOptions(options, checkpoint));
}

EncoderTrainingResult trainEncoder(ResNetEncoder& encoder, Objective& objective, ViewSource& source,
                                   const EncoderTrainingOptions& options, const std::filesystem::path& checkpoint,
                                   MetricsLog& metrics, const EncoderMonitor& monitor) {
  EncoderTask task(encoder, objective, source, options, monitor);
  const int64_t steps = runTrainingLoop(task, loopOptions(options, checkpoint), &metrics);
  encoder->eval();
  return task.result(steps);
}

}  // namespace genrep
