#include "genrep/train/TrainingLoop.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/Random.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/runtime/FailureDump.h"
#include "genrep/train/BatchParts.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

// Least squares on random rows: w learns (1, 2, 3). Its data come from its own stream, saved
// in checkpoints, so a resumed run draws what an uninterrupted one does.
class ToyTask : public TrainingTask {
 public:
  explicit ToyTask(int64_t nanAtStep = -1) : nanAtStep_(nanAtStep) {}

  StepValues step(int64_t step) override {
    const torch::Tensor x = torch::randn({4, 3}, rng_);
    const torch::Tensor y = x.matmul(torch::tensor({1.0f, 2.0f, 3.0f}));
    torch::Tensor loss = (x.matmul(w_) - y).pow(2).mean();
    if (step == nanAtStep_) loss = loss * std::nanf("");
    const double value = loss.item<double>();
    if (!std::isfinite(value)) throw NonFiniteError("toy diverged", {{"x", x}});
    optimizer_.zero_grad();
    loss.backward();
    optimizer_.step();
    seen.push_back(value);
    return {{"loss", value}, {"twice", 2 * value}};
  }
  std::vector<torch::Tensor> sharedState() override { return {w_}; }
  nlohmann::json logRecord(int64_t step, const StepValues& means) override {
    return {{"step", step}, {"loss", means.at(0).second}, {"twice", means.at(1).second}};
  }
  void save(CheckpointWriter& out) override {
    out.write("w", w_.detach());
    out.part("optimizer", optimizer_);
    out.write("rng", rng_.get_state());
  }
  void load(CheckpointReader& in) override {
    torch::NoGradGuard noGrad;
    w_.copy_(in.tensor("w"));
    in.part("optimizer", optimizer_);
    rng_.set_state(in.tensor("rng"));
  }

  torch::Tensor w_ = torch::zeros({3}, torch::requires_grad());
  std::vector<double> seen;  // every step's loss, in order

 private:
  int64_t nanAtStep_;
  torch::Generator rng_ = at::make_generator<at::CPUGeneratorImpl>(5);
  torch::optim::SGD optimizer_{std::vector<torch::Tensor>{w_}, torch::optim::SGDOptions(0.05).momentum(0.9)};
};

RunSettings settingsWith(double lr) {
  ConfigSchema schema;
  schema.addFloat("toy.lr", 0.05, "lr");
  return RunSettings(Config::fromToml(schema, "", "test", {fmt::format("toy.lr={}", lr)}), schema, {"toy"});
}

TrainingLoopOptions optionsIn(const test::TempDir& dir, int64_t steps) {
  TrainingLoopOptions o;
  o.name = "toy train";
  o.steps = steps;
  o.logEvery = 3;
  o.checkpointEvery = 3;
  o.checkpoint = dir / "checkpoint.pt";
  o.checkpointKind = "toy-training";
  o.resumeKey = "toy.resume";
  o.settings = settingsWith(0.05);
  o.seed = 9;
  o.showProgress = false;
  return o;
}

std::vector<nlohmann::json> linesOf(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(TrainingLoop, AResumedRunEndsBitForBitWhereAnUninterruptedOneDoesAndLogsEachStepOnce) {
  test::TempDir whole, split;
  ToyTask a;
  {
    MetricsLog metrics(whole / "metrics.jsonl");
    EXPECT_EQ(runTrainingLoop(a, optionsIn(whole, 10), &metrics), 10);
  }
  ToyTask first;
  {
    MetricsLog metrics(split / "metrics.jsonl");
    EXPECT_EQ(runTrainingLoop(first, optionsIn(split, 5), &metrics), 5);  // checkpoints at 3 and 5
  }
  ToyTask rest;
  {
    MetricsLog metrics(split / "metrics.jsonl");
    EXPECT_EQ(runTrainingLoop(rest, optionsIn(split, 10), &metrics), 10);
  }
  EXPECT_EQ(rest.seen.size(), 5u) << "steps 5..9 only";
  EXPECT_TRUE(torch::equal(rest.w_, a.w_));
  std::vector<double> joined = first.seen;
  joined.insert(joined.end(), rest.seen.begin(), rest.seen.end());
  EXPECT_EQ(joined, a.seen);

  std::vector<int64_t> steps;
  for (const nlohmann::json& line : linesOf(split / "metrics.jsonl")) steps.push_back(line["step"].get<int64_t>());
  EXPECT_EQ(steps, (std::vector<int64_t>{3, 5, 6, 9, 10})) << "5: the end of the first run's window; then 6, 9, 10";
}

TEST(TrainingLoop, MetricsLinesHoldTheMeansOfTheirWindow) {
  test::TempDir dir;
  ToyTask task;
  {
    MetricsLog metrics(dir / "metrics.jsonl");
    runTrainingLoop(task, optionsIn(dir, 7), &metrics);
  }
  const std::vector<nlohmann::json> lines = linesOf(dir / "metrics.jsonl");
  ASSERT_EQ(lines.size(), 3u);  // steps 3, 6, 7
  const auto& s = task.seen;
  EXPECT_DOUBLE_EQ(lines[0]["loss"].get<double>(), (s[0] + s[1] + s[2]) / 3);
  EXPECT_DOUBLE_EQ(lines[1]["loss"].get<double>(), (s[3] + s[4] + s[5]) / 3);
  EXPECT_DOUBLE_EQ(lines[2]["loss"].get<double>(), s[6]);
  EXPECT_DOUBLE_EQ(lines[2]["twice"].get<double>(), 2 * s[6]);
}

TEST(TrainingLoop, ANonFiniteStepStopsWithItsInputsBesideTheCheckpoint) {
  test::TempDir dir;
  ToyTask task(/*nanAtStep*/ 4);
  const std::string error = test::errorOf<std::runtime_error>([&] { runTrainingLoop(task, optionsIn(dir, 10), nullptr); });
  EXPECT_NE(error.find("toy diverged at step 4 (run.seed 9); the step's inputs are in"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::exists(dir / "failure-step-4.pt"));
  EXPECT_EQ(readLatestCheckpoint(dir / "checkpoint.pt", "toy-training", 1)->step, 3) << "the last good checkpoint stays";
}

TEST(TrainingLoop, ZeroStepsBetweenLogsOrCheckpointsIsRefusedByName) {
  test::TempDir dir;
  ToyTask task(/*nanAtStep*/ -1);
  TrainingLoopOptions options = optionsIn(dir, 4);
  options.checkpointEvery = 0;
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { runTrainingLoop(task, options, nullptr); })
                .find("toy train: logEvery is 3 and checkpointEvery 0; both must be >= 1"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "checkpoint.pt"));
}

TEST(TrainingLoop, ACheckpointOfOtherSettingsIsRefusedUnlessAskedAndAnUnreadableOneNamesTheResumeKey) {
  test::TempDir dir;
  ToyTask task;
  runTrainingLoop(task, optionsIn(dir, 3), nullptr);
  TrainingLoopOptions changed = optionsIn(dir, 6);
  changed.settings = settingsWith(0.1);
  const std::string error = test::errorOf<std::invalid_argument>([&] { findResumeCheckpoint(changed); });
  EXPECT_NE(error.find("toy.lr"), std::string::npos) << error;
  changed.resumeChanged = true;
  ToyTask more;
  EXPECT_EQ(runTrainingLoop(more, changed, nullptr), 6);
  EXPECT_EQ(more.seen.size(), 3u);

  // A payload this task cannot read: the error names the file and the key that starts over.
  class Unreadable : public ToyTask {
   public:
    void load(CheckpointReader& in) override { in.tensor("no such entry"); }
  } unreadable;
  changed.steps = 9;
  const std::string unreadableError = test::errorOf<std::runtime_error>([&] { runTrainingLoop(unreadable, changed, nullptr); });
  EXPECT_NE(unreadableError.find("cannot resume from checkpoint"), std::string::npos) << unreadableError;
  EXPECT_NE(unreadableError.find("(set toy.resume=false to start over)"), std::string::npos) << unreadableError;
}

TEST(BatchParts, OneProcessDrawsThePartsThatRanksWouldAndUnevenBatchesAreRefused) {
  const auto one = DataParallel::single();
  const BatchParts parts = splitBatch(12, *one, 3, 7, "gan.batch");
  EXPECT_EQ(parts.local, 12);
  EXPECT_EQ(parts.perPart, 4);
  EXPECT_EQ(parts.seeds, (std::vector<uint64_t>{rankSeed(7, 0), rankSeed(7, 1), rankSeed(7, 2)}));
  EXPECT_EQ(splitBatch(12, *one, 1, 7, "gan.batch").seeds, (std::vector<uint64_t>{rankSeed(7, 0)}));
  EXPECT_EQ(test::errorOf<std::invalid_argument>([&] { splitBatch(10, *one, 3, 7, "steer.batch"); }),
            "steer.batch 10 must divide into 3 parts");
}

}  // namespace
}  // namespace genrep
