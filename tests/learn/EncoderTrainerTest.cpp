#include "genrep/learn/EncoderTrainer.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/eval/Evaluation.h"
#include "genrep/learn/EncoderFile.h"
#include "genrep/views/RealViewSource.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"

namespace genrep {
namespace {

constexpr EncoderArch kTinyArch{1, 2, 1, 4};

EncoderTrainingOptions tinyOptions(int64_t steps) {
  EncoderTrainingOptions o;
  o.steps = steps;
  o.batch = 16;
  o.lrPer256 = 1.0;
  o.checkpointEvery = 3;
  o.logEvery = 3;
  o.seed = 1;
  o.signature = "tiny";
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
  l.objective = makeObjective({kind, 0.1, 0.07, 8}, kTinyArch.featureDim(), 2, 0);
  return l;
}

// Throws at a given step: a run killed between checkpoints.
class InterruptedSource : public ViewSource {
 public:
  InterruptedSource(ViewSource& inner, int64_t failAt) : inner_(inner), failAt_(failAt) {}
  ViewBatch batch(int64_t step, int64_t anchors) override {
    if (step == failAt_) throw std::runtime_error("interrupted");
    return inner_.batch(step, anchors);
  }
  std::string describe() const override { return inner_.describe(); }
  int64_t classes() const override { return inner_.classes(); }
  int64_t latentDim() const override { return inner_.latentDim(); }
  int64_t viewsPerAnchor() const override { return inner_.viewsPerAnchor(); }
  int64_t channels() const override { return inner_.channels(); }

 private:
  ViewSource& inner_;
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

  // Another configuration must not continue this checkpoint.
  Learner other = makeLearner("supcon");
  EncoderTrainingOptions changed = tinyOptions(7);
  changed.signature = "other";
  EXPECT_NE(test::errorOf<std::runtime_error>([&] {
              trainEncoder(other.encoder, *other.objective, source, changed, interruptedDir / "checkpoint.pt", m2);
            }).find("other settings"),
            std::string::npos);
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

TEST(Objective, RefusesSourcesItCannotLearnFrom) {
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { makeObjective({"inverter", 0.1, 0.07, 8}, 16, 10, 0); }).find("generator"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { makeObjective({"classifier", 0.1, 0.07, 8}, 16, 0, 8); }).find("conditional"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { makeObjective({"byol", 0.1, 0.07, 8}, 16, 0, 8); }).find("byol"),
            std::string::npos);
}

}  // namespace
}  // namespace genrep
