#include "genrep/learn/EncoderTrainer.h"

#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/eval/Evaluation.h"
#include "genrep/learn/EncoderFile.h"
#include "genrep/runtime/FailureDump.h"
#include "genrep/views/GeneratorViewSource.h"
#include "genrep/views/PrefetchedViewSource.h"
#include "genrep/views/RealViewSource.h"
#include "support/EchoGenerator.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"
#include "support/WrappedSource.h"

namespace genrep {
namespace {

constexpr EncoderArch kTinyArch{1, 2, 1, 4};

// The settings a checkpoint records, from a two-key schema.
RunSettings settingsWith(const std::string& objective, double lr = 1.0) {
  ConfigSchema schema;
  schema.addString("learn.objective", "simclr", "objective");
  schema.addFloat("learn.lr_per_256", 0.03, "learning rate");
  schema.addInt("learn.log_every", 10, "operational");
  schema.addInt("run.seed", 0, "seed");
  const Config config = Config::fromToml(schema, "", "test", {"learn.objective=" + objective, fmt::format("learn.lr_per_256={}", lr)});
  return RunSettings(config, schema, {"learn"});
}

EncoderTrainingOptions tinyOptions(int64_t steps) {
  EncoderTrainingOptions o;
  o.steps = steps;
  o.batch = 16;
  o.lrPer256 = 1.0;
  o.checkpointEvery = 3;
  o.logEvery = 3;
  o.seed = 1;
  o.settings = settingsWith("supcon");
  return o;
}

struct Learner {
  ResNetEncoder encoder{nullptr};
  std::shared_ptr<Objective> objective;
};

Learner makeLearner(const std::string& kind) {
  torch::manual_seed(5);
  Learner l;
  l.encoder = ResNetEncoder(kTinyArch);
  l.objective = makeObjective({parseObjectiveKind(kind), 0.1, 0.07, 8}, kTinyArch.featureDim(), 2, 0);
  return l;
}

// Throws at a given step: a run killed between checkpoints.
class InterruptedSource : public test::WrappedSource {
 public:
  InterruptedSource(ViewSource& inner, int64_t failAt) : WrappedSource(inner), failAt_(failAt) {}
  ViewBatch batch(int64_t step, int64_t anchors) override {
    if (step == failAt_) throw std::runtime_error("interrupted");
    return inner_.batch(step, anchors);
  }

 private:
  int64_t failAt_;
};

TEST(EncoderTrainer, TheLossGoesDownAndTheEncoderBeatsChanceOnRealImages) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(96, 40, 2, 8);
  RealViewSource source(data.train.select(data.split.kept), 2, PixelViewOptions(), 2, 3, torch::kCPU);
  Learner l = makeLearner("simclr");
  MetricsLog metrics(dir / "metrics.jsonl");
  const EncoderTrainingResult r = trainEncoder(l.encoder, *l.objective, source, tinyOptions(30), dir / "checkpoint.pt", metrics);
  EXPECT_EQ(r.steps, 30);
  std::printf("tiny SimCLR loss %.4f -> %.4f, %.0f views/s\n", r.firstLoss, r.finalLoss, r.viewsPerSecond);
  EXPECT_LT(r.finalLoss, r.firstLoss);
  EXPECT_GT(r.viewsPerSecond, 0);

  EvaluationOptions options;
  options.fewShotPerClass = 3;
  options.fewShotDraws = 2;
  options.knnK = 5;
  options.linear.epochs = 200;  // one batch per epoch on this tiny set
  const nlohmann::json e = evaluateFeatures(encoderFeatures(l.encoder, data, options.limits, torch::kCPU), options);
  EXPECT_GT(e["linear"]["top1"].get<double>(), 0.75) << e.dump();
  EXPECT_GT(e["knn"]["top1"].get<double>(), 0.75) << e.dump();
  EXPECT_EQ(e["test_images"].get<int64_t>(), 40);
}

TEST(EncoderTrainer, AProducerThreadMakingTheViewsTrainsTheSameWeights) {
  const RealDataset data = test::tinyDataset(96, 40, 2, 8);
  const auto train = [&](bool prefetch) {
    test::TempDir dir;
    std::unique_ptr<ViewSource> source =
        std::make_unique<RealViewSource>(data.train.select(data.split.kept), 2, PixelViewOptions(), 2, 3, torch::kCPU);
    if (prefetch) source = std::make_unique<PrefetchedViewSource>(std::move(source), 1);
    Learner l = makeLearner("simclr");
    MetricsLog metrics(dir / "metrics.jsonl");
    trainEncoder(l.encoder, *l.objective, *source, tinyOptions(7), dir / "checkpoint.pt", metrics);
    return l.encoder;
  };
  const ResNetEncoder plain = train(false), prefetched = train(true);
  const auto a = plain->named_parameters(), b = prefetched->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
}

TEST(EncoderTrainer, ResumesAfterAnInterruptionToTheSameWeights) {
  test::TempDir straightDir, interruptedDir;
  const RealDataset data = test::tinyDataset(64, 8, 2, 8);
  RealViewSource source(data.train.select(data.split.kept), 2, PixelViewOptions(), 2, 4, torch::kCPU);

  Learner straight = makeLearner("supcon");
  MetricsLog m1(straightDir / "metrics.jsonl");
  trainEncoder(straight.encoder, *straight.objective, source, tinyOptions(7), straightDir / "checkpoint.pt", m1);

  Learner first = makeLearner("supcon");
  MetricsLog m2(interruptedDir / "metrics.jsonl");
  InterruptedSource killed(source, 5);  // dies after the checkpoint at step 3
  EXPECT_THROW(trainEncoder(first.encoder, *first.objective, killed, tinyOptions(7), interruptedDir / "checkpoint.pt", m2),
               std::runtime_error);
  Learner resumed = makeLearner("supcon");
  const EncoderTrainingResult r =
      trainEncoder(resumed.encoder, *resumed.objective, source, tinyOptions(7), interruptedDir / "checkpoint.pt", m2);
  EXPECT_EQ(r.steps, 7);
  const auto a = straight.encoder->named_parameters(), b = resumed.encoder->named_parameters();
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
  const auto ab = straight.encoder->named_buffers(), bb = resumed.encoder->named_buffers();
  for (const auto& item : ab) EXPECT_TRUE(torch::equal(item.value(), bb[item.key()])) << item.key();

  // Other settings must not continue this checkpoint unless asked to, and the refusal says what changed.
  Learner other = makeLearner("supcon");
  EncoderTrainingOptions changed = tinyOptions(9);
  changed.settings = settingsWith("supcon", 2.0);
  const std::string refusal = test::errorOf<std::invalid_argument>(
      [&] { trainEncoder(other.encoder, *other.objective, source, changed, interruptedDir / "checkpoint.pt", m2); });
  EXPECT_NE(refusal.find("other settings (learn.lr_per_256: 1.0 -> 2.0)"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("run.resume_changed=true"), std::string::npos) << refusal;
  changed.resumeChanged = true;
  EXPECT_EQ(trainEncoder(other.encoder, *other.objective, source, changed, interruptedDir / "checkpoint.pt", m2).steps, 9);
}

// The speed switches: channels_last trains the same model (to float rounding); bf16 autocast
// trains a close but different one where the CPU runs bf16, and the same one where it refuses
// (no AVX-512). This tiny encoder (width 4) is refused channels_last on every CPU; the width-16
// one is switched (ResNetEncoderTest): the trainer reports which it did.
TEST(EncoderTrainer, ChannelsLastTrainsTheSameModelAndBf16ACloseOne) {
  const RealDataset data = test::tinyDataset(64, 8, 2, 8);
  RealViewSource source(data.train.select(data.split.kept), 2, PixelViewOptions(), 2, 4, torch::kCPU);
  EncoderTrainingResult r;
  const auto train = [&](bool channelsLast, Precision precision) {
    test::TempDir dir;
    Learner l = makeLearner("simclr");
    EncoderTrainingOptions options = tinyOptions(5);
    options.channelsLast = channelsLast;
    options.precision = precision;
    MetricsLog metrics(dir / "metrics.jsonl");
    r = trainEncoder(l.encoder, *l.objective, source, options, dir / "checkpoint.pt", metrics);
    EXPECT_TRUE(std::isfinite(r.finalLoss));
    std::vector<torch::Tensor> flat;
    for (const torch::Tensor& p : l.encoder->parameters()) flat.push_back(p.detach().reshape({-1}));  // NHWC strides: reshape
    return torch::cat(flat);
  };
  const torch::Tensor reference = train(false, Precision::Float32);
  EXPECT_FALSE(r.channelsLast);
  const double nhwc = (train(true, Precision::Float32) - reference).abs().max().item<double>();
  EXPECT_FALSE(r.channelsLast);  // refused: a strided 1x1 shortcut with 4 input channels
  EXPECT_EQ(nhwc, 0.0);
  const double bf16 = (train(false, Precision::BFloat16) - reference).abs().max().item<double>();
  EXPECT_EQ(r.precision, usablePrecision(Precision::BFloat16, torch::kCPU, "learn.precision"));
  std::printf("after 5 steps, max weight difference to NCHW fp32: channels_last (refused) %.3g, bf16 (%s) %.3g\n", nhwc,
              r.precision == Precision::BFloat16 ? "applied" : "refused on this CPU", bf16);
  if (r.precision == Precision::BFloat16) {
    EXPECT_GT(bf16, 0.0);
    EXPECT_LT(bf16, 0.5);
  } else {
    EXPECT_EQ(bf16, 0.0);
  }
}

// Inverter training resumes exactly too (its objective has a head of its own, and its views
// come from a generator).
TEST(EncoderTrainer, InverterTrainingResumesToTheSameWeights) {
  // failAt: the step at which the run dies (-1: none).
  const auto run = [](const std::filesystem::path& dir, int64_t failAt) {
    GeneratorViewOptions views;
    views.seed = 4;
    GeneratorViewSource generated(std::make_shared<test::EchoGenerator>(3), views, torch::kCPU);
    InterruptedSource source(generated, failAt);
    torch::manual_seed(5);
    ResNetEncoder encoder(kTinyArch);
    std::shared_ptr<Objective> objective = makeObjective({ObjectiveKind::Inverter, 0.1, 0.07, 8}, kTinyArch.featureDim(), 3, 6);
    EncoderTrainingOptions options = tinyOptions(7);
    options.settings = settingsWith("inverter");
    MetricsLog metrics(dir / "metrics.jsonl");
    try {
      trainEncoder(encoder, *objective, source, options, dir / "checkpoint.pt", metrics);
    } catch (const std::runtime_error&) {
      EXPECT_GE(failAt, 0) << "only the interrupted run stops early";
    }
    std::vector<torch::Tensor> state;
    for (const torch::Tensor& p : encoder->parameters()) state.push_back(p.detach().clone());
    for (const torch::Tensor& p : objective->parameters()) state.push_back(p.detach().clone());
    return state;
  };
  test::TempDir straight, interrupted;
  const auto full = run(straight.path(), -1);
  run(interrupted.path(), 5);  // dies after its checkpoint at step 3
  const auto resumed = run(interrupted.path(), -1);
  ASSERT_EQ(full.size(), resumed.size());
  for (size_t i = 0; i < full.size(); ++i) EXPECT_TRUE(torch::equal(full[i], resumed[i])) << "parameter " << i;
}

// A source whose views turn NaN at one step: a diverging run, made to order.
class PoisonedSource : public test::WrappedSource {
 public:
  PoisonedSource(ViewSource& inner, int64_t poisonAt) : WrappedSource(inner), poisonAt_(poisonAt) {}
  ViewBatch batch(int64_t step, int64_t anchors) override {
    ViewBatch b = inner_.batch(step, anchors);
    if (step == poisonAt_) b.views[1][0][2][3] = std::nanf("");
    return b;
  }

 private:
  int64_t poisonAt_;
};

TEST(EncoderTrainer, ANonFiniteLossStopsTheRunAndWritesTheStepSeedAndInputs) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(64, 8, 2, 8);
  RealViewSource clean(data.train.select(data.split.kept), 2, PixelViewOptions(), 2, 4, torch::kCPU);
  PoisonedSource source(clean, 4);
  Learner l = makeLearner("simclr");
  MetricsLog metrics(dir / "metrics.jsonl");
  const std::string error = test::errorOf<std::runtime_error>(
      [&] { trainEncoder(l.encoder, *l.objective, source, tinyOptions(7), dir / "checkpoint.pt", metrics); });
  EXPECT_NE(error.find("the loss is nan at step 4 (run.seed 1)"), std::string::npos) << error;
  EXPECT_NE(error.find("failure-step-4.pt"), std::string::npos) << error;

  const nlohmann::json described = readJsonFile(dir / "failure-step-4.json");
  EXPECT_EQ(described["step"], 4);
  EXPECT_EQ(described["seed"], 1);
  EXPECT_EQ(described["inputs"]["views"]["non_finite"], 1);
  const std::vector<uint8_t> bytes = readFileBytes(dir / "failure-step-4.pt");
  const c10::IValue loaded = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  const auto inputs = loaded.toGenericDict();
  EXPECT_TRUE(torch::equal(inputs.at("views").toTensor().nan_to_num(7.0),
                           source.batch(4, 16).views.nan_to_num(7.0)))  // the step's views, as they were
      << "the dump holds the offending views";
  EXPECT_EQ(inputs.at("anchor_ids").toTensor().size(0), 32);
}

TEST(EncoderTrainer, AGeneratorThatReturnsNanStopsTheRunWithItsLatentsWrittenOut) {
  test::TempDir dir;
  GeneratorViewOptions views;
  views.seed = 4;
  GeneratorViewSource source(std::make_shared<test::EchoGenerator>(3, true), views, torch::kCPU);
  Learner l = makeLearner("simclr");
  MetricsLog metrics(dir / "metrics.jsonl");
  const std::string error = test::errorOf<std::runtime_error>(
      [&] { trainEncoder(l.encoder, *l.objective, source, tinyOptions(7), dir / "checkpoint.pt", metrics); });
  EXPECT_NE(error.find("returned NaN or Inf images"), std::string::npos) << error;
  EXPECT_NE(error.find("at step 0 (run.seed 1)"), std::string::npos) << error;
  const std::vector<uint8_t> bytes = readFileBytes(dir / "failure-step-0.pt");
  const auto inputs = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
  const torch::Tensor latents = inputs.at("latents").toTensor();  // [G, Z]
  EXPECT_EQ(latents.size(1), 6);
  EXPECT_TRUE(torch::isfinite(latents).all().item<bool>());
  EXPECT_EQ(inputs.at("classes").toTensor().size(0), latents.size(0));
  EXPECT_EQ(inputs.at("images").toTensor().size(0), latents.size(0));
}

TEST(EncoderFile, SavesAndLoadsTheSameEncoderAndRejectsBrokenFiles) {
  test::TempDir dir;
  torch::manual_seed(2);
  ResNetEncoder encoder(kTinyArch);
  encoder->train();
  torch::Tensor x = torch::rand({6, 1, 8, 8}) * 2 - 1;
  encoder->forward(x);  // moves the batch-norm running statistics off their initial values
  encoder->eval();
  saveEncoder(dir / "enc", encoder, {{"objective", "simclr"}});
  ResNetEncoder loaded = loadEncoder(dir / "enc");
  loaded->eval();
  torch::NoGradGuard noGrad;
  EXPECT_TRUE(torch::equal(encoder->forward(x), loaded->forward(x)));
  EXPECT_EQ(readEncoderManifest(dir / "enc")["training"]["objective"], "simclr");

  test::writeText(dir / "enc" / "encoder.pt", "not a pickle");
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadEncoder(dir / "enc"); }).find("encoder.pt"), std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadEncoder(dir / "missing"); }).find("encoder.json"), std::string::npos);
}

}  // namespace
}  // namespace genrep
