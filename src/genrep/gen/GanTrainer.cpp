#include "genrep/gen/GanTrainer.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Progress.h"
#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GanLosses.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/dist/SyncBatchNorm.h"
#include "genrep/runtime/CheckpointArchive.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/FailureDump.h"

namespace genrep {
namespace {

namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

constexpr int64_t kCheckpointVersion = 1;

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

struct GanState {
  GanGeneratorNet g{nullptr}, ema{nullptr};
  GanDiscriminatorNet d{nullptr};
  std::unique_ptr<torch::optim::Adam> optG, optD;
  // One noise and one data stream per part of the batch this process draws: part p is seeded
  // with rankSeed(seed, p), so W ranks (one part each) draw what one process with W parts does.
  std::vector<torch::Generator> rngs;
  std::vector<RandomStream> dataRngs;
  int64_t firstPart = 0;
  int64_t step = 0;
  double trainSeconds = 0, dSeconds = 0, gSeconds = 0;
};

constexpr const char* kCheckpointKind = "gan-training";

// The random streams of every rank, rows by rank: torch [W, S] uint8, data [W, 4] int64.
// A collective: every rank calls it, rank 0 keeps the result.
std::pair<torch::Tensor, torch::Tensor> streamsOfAllRanks(GanState& s, DataParallel& ranks) {
  std::vector<torch::Tensor> torchStates, dataStates;
  for (size_t p = 0; p < s.rngs.size(); ++p) {
    torchStates.push_back(s.rngs[p].get_state());
    const auto data = s.dataRngs[p].state();
    dataStates.push_back(torch::tensor(std::vector<int64_t>(data.begin(), data.end()), torch::kInt64));
  }
  return {ranks.gather(torch::stack(torchStates)), ranks.gather(torch::stack(dataStates))};
}

void saveCheckpoint(const std::filesystem::path& file, GanState& s, const GanTrainingOptions& options, DataParallel& ranks) {
  auto [torchStates, dataStates] = streamsOfAllRanks(s, ranks);
  if (!ranks.isMain()) return;
  CheckpointWriter out;
  out.part("g", *s.g);
  out.part("ema", *s.ema);
  out.part("d", *s.d);
  out.part("opt_g", *s.optG);
  out.part("opt_d", *s.optD);
  out.write("step", torch::tensor(s.step));
  out.write("times", torch::tensor({s.trainSeconds, s.dSeconds, s.gSeconds}, torch::kFloat64));
  out.write("torch_rng", torchStates);  // [P, S]: row p is part p's noise stream
  out.write("data_rng", dataStates);    // [P, 4]: row p is part p's data position
  out.write("config", c10::IValue(options.configToml));
  out.commit(file, {kCheckpointKind, kCheckpointVersion, s.step, options.settings.json(), {}});
}

std::optional<CheckpointFile> checkpointFor(const std::filesystem::path& file, const GanTrainingOptions& options) {
  if (!options.resume) return std::nullopt;
  return checkpointToResume(file, kCheckpointKind, kCheckpointVersion, options.settings, options.resumeChanged, "gan.resume");
}

void loadCheckpoint(const CheckpointFile& checkpoint, const std::filesystem::path& file, GanState& s) {
  try {
    CheckpointReader in(checkpoint);
    in.part("g", *s.g);
    in.part("ema", *s.ema);
    in.part("d", *s.d);
    in.part("opt_g", *s.optG);
    in.part("opt_d", *s.optD);
    s.step = in.tensor("step").item<int64_t>();
    const torch::Tensor times = in.tensor("times");
    s.trainSeconds = times[0].item<double>();
    s.dSeconds = times[1].item<double>();
    s.gSeconds = times[2].item<double>();
    const torch::Tensor torchStates = in.tensor("torch_rng"), dataStates = in.tensor("data_rng");
    const auto parts = static_cast<int64_t>(s.rngs.size());
    if (torchStates.dim() != 2 || dataStates.dim() != 2 || s.firstPart + parts > torchStates.size(0) ||
        torchStates.size(0) != dataStates.size(0)) {
      throw std::runtime_error("its random streams do not match this run's batch parts");
    }
    for (int64_t p = 0; p < parts; ++p) {
      s.rngs[static_cast<size_t>(p)].set_state(torchStates[s.firstPart + p].contiguous());
      const torch::Tensor dataState = dataStates[s.firstPart + p];
      std::array<uint64_t, 4> state{};
      for (size_t i = 0; i < 4; ++i) state[i] = static_cast<uint64_t>(dataState[static_cast<int64_t>(i)].item<int64_t>());
      s.dataRngs[static_cast<size_t>(p)].setState(state);
    }
  } catch (const std::exception& error) {
    std::string message = error.what();
    throw std::runtime_error(fmt::format("cannot resume from checkpoint {}: {} (set gan.resume=false to start over)", file.string(),
                                         message.substr(0, message.find('\n'))));
  }
}

// The loss of the global batch (the mean of the ranks' local means, the same on every rank).
// A NaN or Inf stops the run before the update that would spread it into the weights; the
// step's inputs (latents, labels, the real images' indices) go to the run folder.
double checkFinite(const torch::Tensor& loss, const char* name, int64_t step, const GanTrainingOptions& options, const RunDir& run,
                   DataParallel& ranks, const NamedTensors& inputs) {
  const double value = ranks.meanOverRanks({loss.item<double>()})[0];
  if (std::isfinite(value)) return value;
  const std::string what = fmt::format("GAN training diverged (lower gan.lr_d / gan.lr_g): {} is {}", name, value);
  const std::filesystem::path folder = ranks.worldSize() > 1 ? run.path() / fmt::format("rank-{}", ranks.rank()) : run.path();
  const std::filesystem::path dump = writeFailureDump(folder, step, options.seed, what, inputs);
  throw std::runtime_error(fmt::format("{} at step {} (run.seed {}); the step's inputs are in {}", what, step, options.seed,
                                       dump.string()));
}

}  // namespace

void checkGanCheckpoint(const RunDir& run, const GanTrainingOptions& options) { checkpointFor(run.file("checkpoint.pt"), options); }

GanTrainingResult trainGan(const RealDataset& dataset, const GanTrainingOptions& options, const RunDir& run,
                           MetricsLog& metrics, const GanProbe& probe) {
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

  // Networks are initialised from the run seed; everything random afterwards draws from
  // the state saved in checkpoints.
  const std::shared_ptr<DataParallel> ranks = options.ranks ? options.ranks : DataParallel::single();
  const int64_t world = ranks->worldSize();
  if (options.batch % world != 0) {
    throw std::invalid_argument(fmt::format("gan.batch {} is the global batch and must divide evenly over the {} ranks", options.batch,
                                            world));
  }
  torch::manual_seed(deriveSeed(options.seed, "gan.init"));
  GanState s;
  s.g = GanGeneratorNet(arch);
  s.ema = GanGeneratorNet(arch);
  s.d = GanDiscriminatorNet(arch);
  copyWeights(s.ema, s.g);
  s.optG = std::make_unique<torch::optim::Adam>(
      s.g->parameters(), torch::optim::AdamOptions(options.lrG).betas({options.beta1, options.beta2}));
  s.optD = std::make_unique<torch::optim::Adam>(
      s.d->parameters(), torch::optim::AdamOptions(options.lrD).betas({options.beta1, options.beta2}));
  const int64_t parts = world > 1 ? 1 : options.streamParts;  // drawn by this process
  if (parts < 1 || options.batch % (world * parts) != 0) {
    throw std::invalid_argument(fmt::format("gan.batch {} must divide into {} parts", options.batch, world * parts));
  }
  s.firstPart = world > 1 ? ranks->rank() : 0;
  for (int64_t p = s.firstPart; p < s.firstPart + parts; ++p) {
    const uint64_t streamSeed = rankSeed(options.seed, static_cast<int>(p));
    s.rngs.push_back(at::make_generator<at::CPUGeneratorImpl>(deriveSeed(streamSeed, "gan.noise")));
    s.dataRngs.emplace_back(deriveSeed(streamSeed, "gan.data"));
  }
  synchroniseBatchNorm(*s.g, options.syncBatchNorm ? ranks : nullptr);

  const std::filesystem::path checkpoint = run.file("checkpoint.pt");
  if (const std::optional<CheckpointFile> found = checkpointFor(checkpoint, options)) {
    loadCheckpoint(*found, checkpoint, s);
    fmt::print(stderr, "gan train: resuming from {} at step {}\n", checkpoint.string(), s.step);
  }
  if (ranks->isMain()) {
    removeStaleTemporaries(run.path());
    metrics.rewindTo(s.step);
  }
  {  // every rank starts from rank 0's networks
    std::vector<torch::Tensor> state;
    for (auto* module : {static_cast<torch::nn::Module*>(s.g.get()), static_cast<torch::nn::Module*>(s.ema.get()),
                         static_cast<torch::nn::Module*>(s.d.get())}) {
      for (const torch::Tensor& t : module->parameters()) state.push_back(t);
      for (const torch::Tensor& t : module->buffers()) state.push_back(t);
    }
    ranks->broadcastFromMain(state);
  }

  const torch::Tensor real = imagesToTensor(dataset.train);  // [N, C, H, W] in [-1, 1]
  const torch::Tensor realLabels = labelsToTensor(dataset.train);
  const auto n = static_cast<uint64_t>(dataset.train.count);
  const bool conditional = arch.classes > 0;
  const int64_t b = options.batch / world;  // this rank's share
  const int64_t perPart = b / parts;
  const auto fromParts = [&](const std::function<torch::Tensor(torch::Generator&)>& draw) {
    std::vector<torch::Tensor> drawn;
    for (torch::Generator& rng : s.rngs) drawn.push_back(draw(rng));
    return drawn.size() == 1 ? drawn[0] : torch::cat(drawn);
  };
  const auto noise = [&] { return fromParts([&](torch::Generator& rng) { return torch::randn({perPart, arch.latentDim}, rng); }); };
  const auto fakeLabels = [&] {
    return conditional ? fromParts([&](torch::Generator& rng) { return torch::randint(arch.classes, {perPart}, rng, torch::kInt64); })
                       : torch::Tensor();
  };

  s.g->train();
  s.d->train();
  s.ema->eval();
  Progress progress(fmt::format("gan train (step {} of {})", s.step, options.steps), options.steps - s.step, "step");
  double lossDSum = 0, lossGSum = 0;
  int64_t sinceLog = 0;
  while (s.step < options.steps) {
    const auto stepStart = Clock::now();
    // The auxiliary term makes samples recognisable early; ending it buys back some of the
    // diversity it costs, and some class consistency with it (measured in docs/gan.md).
    const bool auxiliary = conditional && options.auxWeight > 0 && (options.auxEndStep == 0 || s.step < options.auxEndStep);
    // D step: real images with their labels against G's images with random labels.
    std::vector<int64_t> pick;
    for (RandomStream& data : s.dataRngs) {
      for (int64_t i = 0; i < perPart; ++i) pick.push_back(static_cast<int64_t>(data.uniformInt(n)));
    }
    const torch::Tensor batchIndex = torch::tensor(pick, torch::kInt64);
    const torch::Tensor xReal = real.index_select(0, batchIndex);
    const torch::Tensor yReal = conditional ? realLabels.index_select(0, batchIndex) : torch::Tensor();
    const torch::Tensor yFakeD = fakeLabels();
    const torch::Tensor zFakeD = noise();  // drawn after the labels, as always: same streams, same runs
    torch::Tensor xFake;
    {
      torch::NoGradGuard noGrad;
      xFake = s.g->forward(zFakeD, yFakeD);
    }
    // One D pass over real and fake together (D has no batch norm, so this equals two
    // passes, with fewer and larger kernels).
    auto [scores, logits] = s.d->forward(torch::cat({xReal, xFake}), conditional ? torch::cat({yReal, yFakeD}) : torch::Tensor());
    torch::Tensor lossD = hingeDiscriminatorLoss(scores.slice(0, 0, b), scores.slice(0, b));
    if (auxiliary) {
      lossD = lossD + options.auxWeight * F::cross_entropy(logits.slice(0, 0, b), yReal);
    }
    const double valueD = checkFinite(lossD, "the D loss", s.step, options, run, *ranks,
                                      {{"real_indices", batchIndex}, {"real_labels", yReal}, {"fake_latents", zFakeD}, {"fake_labels", yFakeD}});
    s.optD->zero_grad();
    lossD.backward();
    ranks->averageGradients(s.d->parameters());
    s.optD->step();
    const auto dDone = Clock::now();

    // G step.
    const torch::Tensor yFakeG = fakeLabels();
    const torch::Tensor zFakeG = noise();
    const torch::Tensor xGen = s.g->forward(zFakeG, yFakeG);
    auto [scoreGen, logitsGen] = s.d->forward(xGen, yFakeG);
    torch::Tensor lossG = hingeGeneratorLoss(scoreGen);
    if (auxiliary) lossG = lossG + options.auxWeight * F::cross_entropy(logitsGen, yFakeG);
    const double valueG = checkFinite(lossG, "the G loss", s.step, options, run, *ranks, {{"latents", zFakeG}, {"labels", yFakeG}});
    s.optG->zero_grad();
    lossG.backward();
    // D's gradients from this backward are left unused (zero_grad before its next step).
    ranks->averageGradients(s.g->parameters());
    s.optG->step();
    // BigGAN-style warm-up: early on the average follows G closely.
    const double decay = std::min(options.emaDecay, (1.0 + static_cast<double>(s.step)) / (10.0 + static_cast<double>(s.step)));
    updateEma(s.ema, s.g, decay);
    const auto stepEnd = Clock::now();

    ++s.step;
    s.dSeconds += seconds(dDone - stepStart);
    s.gSeconds += seconds(stepEnd - dDone);
    s.trainSeconds += seconds(stepEnd - stepStart);
    lossDSum += valueD;
    lossGSum += valueG;
    ++sinceLog;
    progress.advance();

    if (ranks->isMain() && (s.step % options.logEvery == 0 || s.step == options.steps)) {
      metrics.write({{"step", s.step},
                     {"loss_d", lossDSum / static_cast<double>(sinceLog)},
                     {"loss_g", lossGSum / static_cast<double>(sinceLog)},
                     {"train_seconds", s.trainSeconds},
                     {"d_images_per_second", 2.0 * static_cast<double>(options.batch * s.step) / s.dSeconds},
                     {"g_images_per_second", static_cast<double>(options.batch * s.step) / s.gSeconds}});
      lossDSum = lossGSum = 0;
      sinceLog = 0;
    }
    if (ranks->isMain() && probe && options.evalEvery > 0 && (s.step % options.evalEvery == 0 || s.step == options.steps)) {
      nlohmann::json record = probe(s.ema);
      record["step"] = s.step;
      record["train_seconds"] = s.trainSeconds;
      metrics.write(record);
    }
    if (s.step % options.checkpointEvery == 0 || s.step == options.steps) saveCheckpoint(checkpoint, s, options, *ranks);
  }
  progress.finish();

  GanTrainingResult result;
  result.generatorFolder = options.out.empty() ? run.file("generator") : options.out;
  result.steps = s.step;
  result.trainSeconds = s.trainSeconds;
  // A D step sees the real and the fake half: 2b images.
  result.dImagesPerSecond = s.dSeconds > 0 ? 2.0 * static_cast<double>(options.batch * s.step) / s.dSeconds : 0;
  result.gImagesPerSecond = s.gSeconds > 0 ? static_cast<double>(options.batch * s.step) / s.gSeconds : 0;
  const nlohmann::json training = {{"dataset", {{"format", dataset.format}, {"source", dataset.source}, {"train_images", dataset.train.count}}},
                                   {"steps", s.step},
                                   {"batch", options.batch},
                                   {"ranks", world},
                                   {"train_seconds", s.trainSeconds},
                                   {"d_images_per_second", result.dImagesPerSecond},
                                   {"g_images_per_second", result.gImagesPerSecond},
                                   {"cpu", hostCpu().toJson()},
                                   {"seed", options.seed},
                                   {"ema_decay", options.emaDecay},
                                   {"config", options.configToml}};
  if (ranks->isMain()) saveGanGenerator(result.generatorFolder, s.ema, training);
  ranks->barrier();  // the generator is on disk before any rank goes on
  return result;
}

}  // namespace genrep
