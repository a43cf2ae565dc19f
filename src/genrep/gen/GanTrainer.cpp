#include "genrep/gen/GanTrainer.h"

#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GanLosses.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/dist/SyncBatchNorm.h"
#include "genrep/runtime/CheckpointArchive.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/FailureDump.h"
#include "genrep/train/BatchParts.h"
#include "genrep/train/TrainingLoop.h"

namespace genrep {
namespace {

namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ema <- decay * ema + (1 - decay) * current, for parameters and floating buffers
// (batch-norm running statistics), so that eval-mode sampling matches the averaged weights.
void updateEma(GanGeneratorNet& ema, GanGeneratorNet& current, double decay) {
  torch::NoGradGuard noGrad;
  auto emaParams = ema->named_parameters(), params = current->named_parameters();
  for (auto& item : params) emaParams[item.key()].mul_(decay).add_(item.value(), 1.0 - decay);
  auto emaBuffers = ema->named_buffers(), buffers = current->named_buffers();
  for (auto& item : buffers) {
    torch::Tensor& target = emaBuffers[item.key()];
    if (target.is_floating_point()) {
      target.mul_(decay).add_(item.value(), 1.0 - decay);
    } else {
      target.copy_(item.value());
    }
  }
}

void copyWeights(GanGeneratorNet& to, GanGeneratorNet& from) { updateEma(to, from, 0.0); }

TrainingLoopOptions loopOptions(const GanTrainingOptions& options, const RunDir& run) {
  TrainingLoopOptions loop = loopOptionsOf(options);
  loop.name = "gan train";
  loop.checkpoint = run.file("checkpoint.pt");
  loop.checkpointKind = "gan-training";
  loop.checkpointVersion = 1;
  loop.resumeKey = "gan.resume";
  return loop;
}

GanArchitecture architectureFor(const RealDataset& dataset, const GanTrainingOptions& options) {
  if (options.conditional && dataset.classNames.empty()) {
    throw std::invalid_argument("gan.conditional is true but the dataset is unlabelled; set gan.conditional=false");
  }
  GanArchitecture arch;
  arch.latentDim = options.latentDim;
  arch.classes = options.conditional ? static_cast<int64_t>(dataset.classNames.size()) : 0;
  arch.channels = dataset.train.channels;
  arch.height = dataset.train.height;
  arch.width = dataset.train.width;
  arch.widthG = options.widthG;
  arch.widthD = options.widthD;
  arch.validate();
  return arch;
}

// G, its moving average and D on a real dataset: gan.d_steps D updates and one G update per
// step (hinge loss, projection discriminator with an auxiliary classifier), then the average
// follows G.
class GanTask : public TrainingTask {
 public:
  GanTask(const RealDataset& dataset, const GanTrainingOptions& options, const GanProbe& probe)
      : options_(options),
        probe_(probe),
        arch_(architectureFor(dataset, options)),
        ranks_(options.ranks ? options.ranks : DataParallel::single()),
        parts_(splitBatch(options.batch, *ranks_, options.streamParts, options.seed, "gan.batch")),
        real_(imagesToTensor(dataset.train)),
        realLabels_(labelsToTensor(dataset.train)),
        n_(static_cast<uint64_t>(dataset.train.count)) {
    // Networks are initialised from the run seed; everything random afterwards draws from
    // the state saved in checkpoints.
    torch::manual_seed(deriveSeed(options.seed, "gan.init"));
    g_ = GanGeneratorNet(arch_);
    ema_ = GanGeneratorNet(arch_);
    d_ = GanDiscriminatorNet(arch_);
    copyWeights(ema_, g_);
    const auto adam = [&](double lr) { return torch::optim::AdamOptions(lr).betas({options.beta1, options.beta2}); };
    optG_ = std::make_unique<torch::optim::Adam>(g_->parameters(), adam(options.lrG));
    optD_ = std::make_unique<torch::optim::Adam>(d_->parameters(), adam(options.lrD));
    for (const uint64_t seed : parts_.seeds) {
      rngs_.push_back(at::make_generator<at::CPUGeneratorImpl>(deriveSeed(seed, "gan.noise")));
      dataRngs_.emplace_back(deriveSeed(seed, "gan.data"));
    }
    synchroniseBatchNorm(*g_, options.syncBatchNorm ? ranks_ : nullptr);
    g_->train();
    d_->train();
    ema_->eval();
  }

  StepValues step(int64_t step) override {
    const auto stepStart = Clock::now();
    // The auxiliary term makes samples recognisable early; ending it buys back some of the
    // diversity it costs, and some class consistency with it (measured in docs/gan.md).
    const bool auxiliary = conditional() && options_.auxWeight > 0 && (options_.auxEndStep == 0 || step < options_.auxEndStep);
    double lossD = 0;
    for (int64_t k = 0; k < options_.dSteps; ++k) lossD += discriminatorStep(auxiliary) / static_cast<double>(options_.dSteps);
    const auto dDone = Clock::now();
    const double lossG = generatorStep(auxiliary);
    // BigGAN-style warm-up: early on the average follows G closely.
    const double decay = std::min(options_.emaDecay, (1.0 + static_cast<double>(step)) / (10.0 + static_cast<double>(step)));
    updateEma(ema_, g_, decay);
    const auto stepEnd = Clock::now();
    dSeconds_ += seconds(dDone - stepStart);
    gSeconds_ += seconds(stepEnd - dDone);
    trainSeconds_ += seconds(stepEnd - stepStart);
    return {{"loss_d", lossD}, {"loss_g", lossG}};
  }

  std::vector<torch::Tensor> sharedState() override {
    std::vector<torch::Tensor> state;
    for (auto* module : {static_cast<torch::nn::Module*>(g_.get()), static_cast<torch::nn::Module*>(ema_.get()),
                         static_cast<torch::nn::Module*>(d_.get())}) {
      for (const torch::Tensor& t : module->parameters()) state.push_back(t);
      for (const torch::Tensor& t : module->buffers()) state.push_back(t);
    }
    return state;
  }

  nlohmann::json logRecord(int64_t step, const StepValues& windowMeans) override {
    return {{"step", step},
            {"loss_d", windowMeans.at(0).second},
            {"loss_g", windowMeans.at(1).second},
            {"train_seconds", trainSeconds_},
            {"d_images_per_second", 2.0 * static_cast<double>(options_.batch * options_.dSteps * step) / dSeconds_},
            {"g_images_per_second", static_cast<double>(options_.batch * step) / gSeconds_}};
  }

  std::optional<nlohmann::json> probe(int64_t step) override {
    if (!probe_ || options_.evalEvery <= 0 || (step % options_.evalEvery != 0 && step != options_.steps)) return std::nullopt;
    nlohmann::json record = probe_(ema_);
    record["step"] = step;
    record["train_seconds"] = trainSeconds_;
    return record;
  }

  // Every rank's random streams, rows by rank: torch [W, S] uint8, data [W, 4] int64.
  void gather() override {
    std::vector<torch::Tensor> torchStates, dataStates;
    for (size_t p = 0; p < rngs_.size(); ++p) {
      torchStates.push_back(rngs_[p].get_state());
      const auto data = dataRngs_[p].state();
      dataStates.push_back(torch::tensor(std::vector<int64_t>(data.begin(), data.end()), torch::kInt64));
    }
    gatheredTorchStates_ = ranks_->gather(torch::stack(torchStates));
    gatheredDataStates_ = ranks_->gather(torch::stack(dataStates));
  }

  void save(CheckpointWriter& out) override {
    out.part("g", *g_);
    out.part("ema", *ema_);
    out.part("d", *d_);
    out.part("opt_g", *optG_);
    out.part("opt_d", *optD_);
    out.write("times", torch::tensor({trainSeconds_, dSeconds_, gSeconds_}, torch::kFloat64));
    out.write("torch_rng", gatheredTorchStates_);  // [P, S]: row p is part p's noise stream
    out.write("data_rng", gatheredDataStates_);    // [P, 4]: row p is part p's data position
    out.write("config", c10::IValue(options_.configToml));
  }

  void load(CheckpointReader& in) override;

  GanGeneratorNet& ema() { return ema_; }
  double trainSeconds() const { return trainSeconds_; }
  double dSeconds() const { return dSeconds_; }
  double gSeconds() const { return gSeconds_; }

 private:
  bool conditional() const { return arch_.classes > 0; }
  // Rows of every part this process draws, each from its own stream.
  torch::Tensor fromParts(const std::function<torch::Tensor(torch::Generator&)>& draw) {
    std::vector<torch::Tensor> drawn;
    for (torch::Generator& rng : rngs_) drawn.push_back(draw(rng));
    return drawn.size() == 1 ? drawn[0] : torch::cat(drawn);
  }
  torch::Tensor noise() {
    return fromParts([&](torch::Generator& rng) { return torch::randn({parts_.perPart, arch_.latentDim}, rng); });
  }
  torch::Tensor fakeLabels() {
    if (!conditional()) return {};
    return fromParts([&](torch::Generator& rng) { return torch::randint(arch_.classes, {parts_.perPart}, rng, torch::kInt64); });
  }
  // The loss of the global batch (the mean of the ranks' local means, the same on every
  // rank). A NaN or Inf stops the run before the update that would spread it into the weights.
  double globalLoss(const torch::Tensor& loss, const char* name, NamedTensors inputs) {
    const double value = ranks_->meanOverRanks({loss.item<double>()})[0];
    if (std::isfinite(value)) return value;
    throw NonFiniteError(fmt::format("GAN training diverged (lower gan.lr_d / gan.lr_g): {} is {}", name, value), std::move(inputs));
  }
  double discriminatorStep(bool auxiliary);
  double generatorStep(bool auxiliary);

  const GanTrainingOptions& options_;
  const GanProbe& probe_;
  GanArchitecture arch_;
  std::shared_ptr<DataParallel> ranks_;
  BatchParts parts_;
  torch::Tensor real_;        // [N, C, H, W] in [-1, 1]
  torch::Tensor realLabels_;  // [N]
  uint64_t n_;
  GanGeneratorNet g_{nullptr}, ema_{nullptr};
  GanDiscriminatorNet d_{nullptr};
  std::unique_ptr<torch::optim::Adam> optG_, optD_;
  // One noise and one data stream per part of the batch this process draws (train/BatchParts.h).
  std::vector<torch::Generator> rngs_;
  std::vector<RandomStream> dataRngs_;
  torch::Tensor gatheredTorchStates_, gatheredDataStates_;
  double trainSeconds_ = 0, dSeconds_ = 0, gSeconds_ = 0;
};

// D step: real images with their labels against G's images with random labels.
double GanTask::discriminatorStep(bool auxiliary) {
  std::vector<int64_t> pick;
  for (RandomStream& data : dataRngs_) {
    for (int64_t i = 0; i < parts_.perPart; ++i) pick.push_back(static_cast<int64_t>(data.uniformInt(n_)));
  }
  const torch::Tensor batchIndex = torch::tensor(pick, torch::kInt64);
  const torch::Tensor xReal = real_.index_select(0, batchIndex);
  const torch::Tensor yReal = conditional() ? realLabels_.index_select(0, batchIndex) : torch::Tensor();
  const torch::Tensor yFake = fakeLabels();
  const torch::Tensor zFake = noise();  // drawn after the labels, as always: same streams, same runs
  torch::Tensor xFake;
  {
    torch::NoGradGuard noGrad;
    xFake = g_->forward(zFake, yFake);
  }
  // One D pass over real and fake together (D has no batch norm, so this equals two passes,
  // with fewer and larger kernels).
  const int64_t b = parts_.local;
  auto [scores, logits] = d_->forward(torch::cat({xReal, xFake}), conditional() ? torch::cat({yReal, yFake}) : torch::Tensor());
  torch::Tensor loss = hingeDiscriminatorLoss(scores.slice(0, 0, b), scores.slice(0, b));
  if (auxiliary) loss = loss + options_.auxWeight * F::cross_entropy(logits.slice(0, 0, b), yReal);
  const double value =
      globalLoss(loss, "the D loss", {{"real_indices", batchIndex}, {"real_labels", yReal}, {"fake_latents", zFake}, {"fake_labels", yFake}});
  optD_->zero_grad();
  loss.backward();
  ranks_->averageGradients(d_->parameters());
  optD_->step();
  return value;
}

double GanTask::generatorStep(bool auxiliary) {
  const torch::Tensor y = fakeLabels();
  const torch::Tensor z = noise();
  auto [score, logits] = d_->forward(g_->forward(z, y), y);
  torch::Tensor loss = hingeGeneratorLoss(score);
  if (auxiliary) loss = loss + options_.auxWeight * F::cross_entropy(logits, y);
  const double value = globalLoss(loss, "the G loss", {{"latents", z}, {"labels", y}});
  optG_->zero_grad();
  loss.backward();
  // D's gradients from this backward are left unused (zero_grad before its next step).
  ranks_->averageGradients(g_->parameters());
  optG_->step();
  return value;
}

void GanTask::load(CheckpointReader& in) {
  in.part("g", *g_);
  in.part("ema", *ema_);
  in.part("d", *d_);
  in.part("opt_g", *optG_);
  in.part("opt_d", *optD_);
  const torch::Tensor times = in.tensor("times");
  trainSeconds_ = times[0].item<double>();
  dSeconds_ = times[1].item<double>();
  gSeconds_ = times[2].item<double>();
  const torch::Tensor torchStates = in.tensor("torch_rng"), dataStates = in.tensor("data_rng");
  const auto parts = static_cast<int64_t>(rngs_.size());
  const int64_t first = parts_.firstPart;
  if (torchStates.dim() != 2 || dataStates.dim() != 2 || first + parts > torchStates.size(0) || torchStates.size(0) != dataStates.size(0)) {
    throw std::runtime_error("its random streams do not match this run's batch parts");
  }
  for (int64_t p = 0; p < parts; ++p) {
    // A copy of its own: given a row after the first, a view into the gathered states' storage,
    // LibTorch 2.11's CPU generator crashed in set_state (rank 1 of a resumed run).
    rngs_[static_cast<size_t>(p)].set_state(torchStates[first + p].clone());
    const torch::Tensor dataState = dataStates[first + p];
    std::array<uint64_t, 4> state{};
    for (size_t i = 0; i < 4; ++i) state[i] = static_cast<uint64_t>(dataState[static_cast<int64_t>(i)].item<int64_t>());
    dataRngs_[static_cast<size_t>(p)].setState(state);
  }
}

}  // namespace

void checkGanCheckpoint(const RunDir& run, const GanTrainingOptions& options) { findResumeCheckpoint(loopOptions(options, run)); }

GanTrainingResult trainGan(const RealDataset& dataset, const GanTrainingOptions& options, const RunDir& run,
                           MetricsLog& metrics, const GanProbe& probe) {
  GanTask task(dataset, options, probe);
  const std::shared_ptr<DataParallel> ranks = options.ranks ? options.ranks : DataParallel::single();
  GanTrainingResult result;
  result.steps = runTrainingLoop(task, loopOptions(options, run), &metrics);
  result.generatorFolder = options.out.empty() ? run.file("generator") : options.out;
  result.trainSeconds = task.trainSeconds();
  // A D update sees the real and the fake half: 2b images, d_steps times a step.
  const double images = static_cast<double>(options.batch * result.steps);
  result.dImagesPerSecond = task.dSeconds() > 0 ? 2.0 * images * static_cast<double>(options.dSteps) / task.dSeconds() : 0;
  result.gImagesPerSecond = task.gSeconds() > 0 ? images / task.gSeconds() : 0;
  const nlohmann::json training = {{"dataset", {{"format", dataset.format}, {"source", dataset.source}, {"train_images", dataset.train.count}}},
                                   {"steps", result.steps},
                                   {"batch", options.batch},
                                   {"ranks", ranks->worldSize()},
                                   {"train_seconds", result.trainSeconds},
                                   {"d_images_per_second", result.dImagesPerSecond},
                                   {"g_images_per_second", result.gImagesPerSecond},
                                   {"cpu", hostCpu().toJson()},
                                   {"seed", options.seed},
                                   {"ema_decay", options.emaDecay},
                                   {"config", options.configToml}};
  if (ranks->isMain()) saveGanGenerator(result.generatorFolder, task.ema(), training);
  ranks->barrier();  // the generator is on disk before any rank goes on
  return result;
}

}  // namespace genrep
