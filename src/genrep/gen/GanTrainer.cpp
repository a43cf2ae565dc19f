#include "genrep/gen/GanTrainer.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Config.h"
#include "genrep/core/Progress.h"
#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GanLosses.h"
#include "genrep/runtime/CheckpointArchive.h"
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
  torch::Generator rng;
  RandomStream dataRng{0};
  int64_t step = 0;
  double trainSeconds = 0, dSeconds = 0, gSeconds = 0;
};

constexpr const char* kCheckpointKind = "gan-training";

void saveCheckpoint(const std::filesystem::path& file, GanState& s, const GanTrainingOptions& options) {
  CheckpointWriter out;
  out.part("g", *s.g);
  out.part("ema", *s.ema);
  out.part("d", *s.d);
  out.part("opt_g", *s.optG);
  out.part("opt_d", *s.optD);
  out.write("step", torch::tensor(s.step));
  out.write("times", torch::tensor({s.trainSeconds, s.dSeconds, s.gSeconds}, torch::kFloat64));
  out.write("torch_rng", s.rng.get_state());
  const auto state = s.dataRng.state();
  out.write("data_rng", torch::tensor(std::vector<int64_t>(state.begin(), state.end()), torch::kInt64));
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
    s.rng.set_state(in.tensor("torch_rng"));
    const torch::Tensor dataState = in.tensor("data_rng");
    std::array<uint64_t, 4> state{};
    for (size_t i = 0; i < 4; ++i) state[i] = static_cast<uint64_t>(dataState[static_cast<int64_t>(i)].item<int64_t>());
    s.dataRng.setState(state);
  } catch (const std::exception& error) {
    std::string message = error.what();
    throw std::runtime_error(fmt::format("cannot resume from checkpoint {}: {} (set gan.resume=false to start over)", file.string(),
                                         message.substr(0, message.find('\n'))));
  }
}

// A NaN or Inf loss stops the run before the update that would spread it into the weights;
// the step's inputs (latents, labels, the real images' indices) go to the run folder.
void checkFinite(const torch::Tensor& loss, const char* name, int64_t step, const GanTrainingOptions& options, const RunDir& run,
                 const NamedTensors& inputs) {
  const double value = loss.item<double>();
  if (std::isfinite(value)) return;
  const std::string what = fmt::format("GAN training diverged (lower gan.lr_d / gan.lr_g): {} is {}", name, value);
  const std::filesystem::path dump = writeFailureDump(run.path(), step, options.seed, what, inputs);
  throw std::runtime_error(fmt::format("{} at step {} (run.seed {}); the step's inputs are in {}", what, step, options.seed,
                                       dump.string()));
}

}  // namespace

void addGanTrainingKeys(ConfigSchema& schema) {
  schema.addBool("gan.conditional", true, "class-conditional GAN (needs a labelled dataset); false = unconditional");
  schema.addInt("gan.latent_dim", 64, "latent size Z");
  schema.addInt("gan.width_g", 32, "base channels of G (deepest layer 4x)");
  schema.addInt("gan.width_d", 32, "base channels of D (deepest layer 4x)");
  schema.addInt("gan.steps", 4000, "training steps (one D and one G update each)");
  schema.addInt("gan.batch", 64, "batch size of a D and of a G step");
  schema.addFloat("gan.lr_g", 1e-4, "Adam learning rate of G");
  schema.addFloat("gan.lr_d", 4e-4, "Adam learning rate of D");
  schema.addFloat("gan.beta1", 0.0, "Adam beta1");
  schema.addFloat("gan.beta2", 0.9, "Adam beta2");
  schema.addFloat("gan.aux_weight", 1.0, "weight of the auxiliary classification loss (conditional)");
  schema.addFloat("gan.ema_decay", 0.999, "decay of the moving average of G used for sampling");
  schema.addInt("gan.checkpoint_every", 500, "steps between checkpoints");
  schema.addInt("gan.eval_every", 1000, "steps between class-consistency probes (0 = none)");
  schema.addInt("gan.log_every", 50, "steps between metrics lines");
  schema.addBool("gan.resume", true, "continue from the run folder's checkpoint when there is one");
  schema.addString("gan.out", "", "generator folder to write; empty = <run folder>/generator");
}

GanTrainingOptions ganOptionsFromConfig(const Config& config) {
  GanTrainingOptions o;
  o.conditional = config.getBool("gan.conditional");
  o.latentDim = config.getInt("gan.latent_dim");
  o.widthG = config.getInt("gan.width_g");
  o.widthD = config.getInt("gan.width_d");
  o.steps = config.getInt("gan.steps");
  o.batch = config.getInt("gan.batch");
  o.lrG = config.getFloat("gan.lr_g");
  o.lrD = config.getFloat("gan.lr_d");
  o.beta1 = config.getFloat("gan.beta1");
  o.beta2 = config.getFloat("gan.beta2");
  o.auxWeight = config.getFloat("gan.aux_weight");
  o.emaDecay = config.getFloat("gan.ema_decay");
  o.checkpointEvery = config.getInt("gan.checkpoint_every");
  o.evalEvery = config.getInt("gan.eval_every");
  o.logEvery = config.getInt("gan.log_every");
  o.resume = config.getBool("gan.resume");
  o.out = config.getString("gan.out");
  o.seed = static_cast<uint64_t>(config.getInt("run.seed"));
  o.configToml = config.toToml();
  o.resumeChanged = config.getBool("run.resume_changed");
  requireSetting(o.steps >= 1, "gan.steps must be >= 1");
  requireSetting(o.batch >= 2, "gan.batch must be >= 2 (batch norm needs two samples)");
  requireSetting(o.lrG > 0 && o.lrD > 0, "gan.lr_g and gan.lr_d must be positive");
  requireSetting(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1, "gan.beta1 and gan.beta2 must be in [0, 1)");
  requireSetting(o.emaDecay >= 0 && o.emaDecay < 1, "gan.ema_decay must be in [0, 1)");
  requireSetting(o.checkpointEvery >= 1 && o.logEvery >= 1 && o.evalEvery >= 0,
                 "gan.checkpoint_every and gan.log_every must be >= 1, gan.eval_every >= 0");
  return o;
}

RunSettings ganRunSettings(const Config& config, const ConfigSchema& schema) {
  return RunSettings(config, schema, {"data", "gan"}, {"gan.steps", "gan.out"});
}

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
  s.rng = at::make_generator<at::CPUGeneratorImpl>(deriveSeed(options.seed, "gan.noise"));
  s.dataRng = RandomStream(deriveSeed(options.seed, "gan.data"));

  const std::filesystem::path checkpoint = run.file("checkpoint.pt");
  if (const std::optional<CheckpointFile> found = checkpointFor(checkpoint, options)) {
    loadCheckpoint(*found, checkpoint, s);
    fmt::print(stderr, "gan train: resuming from {} at step {}\n", checkpoint.string(), s.step);
  }
  removeStaleTemporaries(run.path());
  metrics.rewindTo(s.step);

  const torch::Tensor real = imagesToTensor(dataset.train);  // [N, C, H, W] in [-1, 1]
  const torch::Tensor realLabels = labelsToTensor(dataset.train);
  const auto n = static_cast<uint64_t>(dataset.train.count);
  const bool conditional = arch.classes > 0;
  const int64_t b = options.batch;
  const auto noise = [&] { return torch::randn({b, arch.latentDim}, s.rng); };
  const auto fakeLabels = [&] { return conditional ? torch::randint(arch.classes, {b}, s.rng, torch::kInt64) : torch::Tensor(); };

  s.g->train();
  s.d->train();
  s.ema->eval();
  Progress progress(fmt::format("gan train (step {} of {})", s.step, options.steps), options.steps - s.step, "step");
  double lossDSum = 0, lossGSum = 0;
  int64_t sinceLog = 0;
  while (s.step < options.steps) {
    const auto stepStart = Clock::now();
    // D step: real images with their labels against G's images with random labels.
    std::vector<int64_t> pick(static_cast<size_t>(b));
    for (auto& index : pick) index = static_cast<int64_t>(s.dataRng.uniformInt(n));
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
    if (conditional && options.auxWeight > 0) {
      lossD = lossD + options.auxWeight * F::cross_entropy(logits.slice(0, 0, b), yReal);
    }
    checkFinite(lossD, "the D loss", s.step, options, run,
                {{"real_indices", batchIndex}, {"real_labels", yReal}, {"fake_latents", zFakeD}, {"fake_labels", yFakeD}});
    s.optD->zero_grad();
    lossD.backward();
    s.optD->step();
    const auto dDone = Clock::now();

    // G step.
    const torch::Tensor yFakeG = fakeLabels();
    const torch::Tensor zFakeG = noise();
    const torch::Tensor xGen = s.g->forward(zFakeG, yFakeG);
    auto [scoreGen, logitsGen] = s.d->forward(xGen, yFakeG);
    torch::Tensor lossG = hingeGeneratorLoss(scoreGen);
    if (conditional && options.auxWeight > 0) lossG = lossG + options.auxWeight * F::cross_entropy(logitsGen, yFakeG);
    checkFinite(lossG, "the G loss", s.step, options, run, {{"latents", zFakeG}, {"labels", yFakeG}});
    s.optG->zero_grad();
    lossG.backward();
    s.optG->step();
    // BigGAN-style warm-up: early on the average follows G closely.
    const double decay = std::min(options.emaDecay, (1.0 + static_cast<double>(s.step)) / (10.0 + static_cast<double>(s.step)));
    updateEma(s.ema, s.g, decay);
    const auto stepEnd = Clock::now();

    ++s.step;
    s.dSeconds += seconds(dDone - stepStart);
    s.gSeconds += seconds(stepEnd - dDone);
    s.trainSeconds += seconds(stepEnd - stepStart);
    lossDSum += lossD.item<double>();
    lossGSum += lossG.item<double>();
    ++sinceLog;
    progress.advance();

    if (s.step % options.logEvery == 0 || s.step == options.steps) {
      metrics.write({{"step", s.step},
                     {"loss_d", lossDSum / static_cast<double>(sinceLog)},
                     {"loss_g", lossGSum / static_cast<double>(sinceLog)},
                     {"train_seconds", s.trainSeconds},
                     {"d_images_per_second", 2.0 * static_cast<double>(b * s.step) / s.dSeconds},
                     {"g_images_per_second", static_cast<double>(b * s.step) / s.gSeconds}});
      lossDSum = lossGSum = 0;
      sinceLog = 0;
    }
    if (probe && options.evalEvery > 0 && (s.step % options.evalEvery == 0 || s.step == options.steps)) {
      nlohmann::json record = probe(s.ema);
      record["step"] = s.step;
      record["train_seconds"] = s.trainSeconds;
      metrics.write(record);
    }
    if (s.step % options.checkpointEvery == 0 || s.step == options.steps) saveCheckpoint(checkpoint, s, options);
  }
  progress.finish();

  GanTrainingResult result;
  result.generatorFolder = options.out.empty() ? run.file("generator") : options.out;
  result.steps = s.step;
  result.trainSeconds = s.trainSeconds;
  // A D step sees the real and the fake half: 2b images.
  result.dImagesPerSecond = s.dSeconds > 0 ? 2.0 * static_cast<double>(b * s.step) / s.dSeconds : 0;
  result.gImagesPerSecond = s.gSeconds > 0 ? static_cast<double>(b * s.step) / s.gSeconds : 0;
  const nlohmann::json training = {{"dataset", {{"format", dataset.format}, {"source", dataset.source}, {"train_images", dataset.train.count}}},
                                   {"steps", s.step},
                                   {"batch", b},
                                   {"train_seconds", s.trainSeconds},
                                   {"d_images_per_second", result.dImagesPerSecond},
                                   {"g_images_per_second", result.gImagesPerSecond},
                                   {"seed", options.seed},
                                   {"ema_decay", options.emaDecay},
                                   {"config", options.configToml}};
  saveGanGenerator(result.generatorFolder, s.ema, training);
  return result;
}

}  // namespace genrep
