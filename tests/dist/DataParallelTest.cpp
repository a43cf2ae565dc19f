// Data parallelism on loopback: the test starts this binary again as 2 rank processes (the
// DataParallelWorker tests, which do nothing unless started so), each meeting the other through
// RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT as torchrun sets them, and compares what they
// write with one process on the combined batch.
#include "genrep/dist/DataParallel.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "genrep/core/RunDir.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GanTrainer.h"
#include "genrep/learn/ContrastiveLoss.h"
#include "genrep/learn/EncoderTrainer.h"
#include "genrep/steer/WalkTrainer.h"
#include "genrep/views/RealViewSource.h"
#include "support/EchoGenerator.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"
#include "support/WrappedSource.h"

extern char** environ;

namespace genrep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kWorld = 2;
constexpr int64_t kAnchorsPerRank = 8;
constexpr int64_t kSteps = 3;

// ---- shared by the parent test and the workers ----------------------------------------------

// The embeddings of a combined batch [2 * 12, 6], three views per id.
std::pair<torch::Tensor, torch::Tensor> combinedEmbeddings() {
  torch::manual_seed(21);
  torch::Tensor e = torch::nn::functional::normalize(torch::randn({24, 6}, torch::kFloat64),
                                                     torch::nn::functional::NormalizeFuncOptions().dim(1));
  torch::Tensor ids = torch::arange(8, torch::kInt64).repeat({3});
  return {e, ids};
}

RealDataset data() { return test::tinyDataset(64, 8, 2, 8); }

std::unique_ptr<RealViewSource> rankSource(const RealDataset& d, int rank) {
  return std::make_unique<RealViewSource>(d.train.select(d.split.kept), 2, PixelViewOptions(), 2, rankSeed(7, rank), torch::kCPU);
}

EncoderTrainingOptions trainingOptions() {
  EncoderTrainingOptions o;
  o.steps = kSteps;
  o.batch = kAnchorsPerRank * kWorld;  // the global batch
  o.lrPer256 = 2.0;
  o.checkpointEvery = 100;
  o.logEvery = 1;
  o.seed = 7;
  o.syncBatchNorm = true;
  return o;
}

struct Learner {
  ResNetEncoder encoder{nullptr};
  std::shared_ptr<Objective> objective;
};

Learner learner() {
  torch::manual_seed(5);
  Learner l;
  l.encoder = ResNetEncoder(EncoderArch{1, 2, 1, 4});
  l.objective = makeObjective({ObjectiveKind::SimClr, 0.1, 0.07, 8}, 8, 2, 0);
  return l;
}

std::vector<torch::Tensor> stateOf(Learner& l) {
  std::vector<torch::Tensor> state;
  for (const auto& t : l.encoder->parameters()) state.push_back(t.detach().clone());
  for (const auto& t : l.encoder->buffers()) state.push_back(t.detach().clone());
  for (const auto& t : l.objective->parameters()) state.push_back(t.detach().clone());
  return state;
}

void save(const std::vector<torch::Tensor>& tensors, const fs::path& file) {
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(c10::List<torch::Tensor>(tensors)));
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<torch::Tensor> load(const fs::path& file) {
  const std::vector<uint8_t> bytes = readFileBytes(file);
  const c10::List<torch::Tensor> list = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toTensorList();
  return {list.begin(), list.end()};
}

GanTrainingOptions ganOptions() {
  GanTrainingOptions o;
  o.latentDim = 8;
  o.widthG = 4;
  o.widthD = 4;
  o.steps = kSteps;
  o.batch = 16;  // global
  o.checkpointEvery = 100;
  o.logEvery = 1;
  o.seed = 3;
  o.syncBatchNorm = true;
  return o;
}

std::filesystem::path trainGanIn(const fs::path& root, const std::string& name, const GanTrainingOptions& options) {
  const RunDir run = RunDir::create(root, name, "gan-train");
  MetricsLog metrics(run.file(fmt::format("metrics-{}.jsonl", options.ranks ? options.ranks->rank() : 0)));
  return trainGan(data(), options, run, metrics).generatorFolder;
}

// ---- the parent side ------------------------------------------------------------------------

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct RankRun {
  std::vector<int> statuses;  // exit codes (128 + signal when killed)
  double seconds = 0;         // until the last rank ended
};

// Starts this binary as kWorld ranks running DataParallelWorker.<worker>; waits for them.
// `extra`: more NAME=value environment entries for the workers.
RankRun runRanks(const std::string& worker, const fs::path& dir, const std::vector<std::string>& extra = {}) {
  const int port = freePort();
  std::string self = fs::read_symlink("/proc/self/exe").string();
  const auto start = Clock::now();
  std::vector<pid_t> pids;
  for (int rank = 0; rank < kWorld; ++rank) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const std::string& v : {fmt::format("RANK={}", rank), fmt::format("LOCAL_RANK={}", rank), fmt::format("WORLD_SIZE={}", kWorld),
                                 std::string("MASTER_ADDR=127.0.0.1"), fmt::format("MASTER_PORT={}", port),
                                 "GENREP_TEST_DIST_DIR=" + dir.string()}) {
      env.push_back(v);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    std::vector<char*> envp;
    for (std::string& v : env) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string filter = "--gtest_filter=DataParallelWorker." + worker;
    std::string quiet = "--gtest_brief=1";
    std::vector<char*> argv{self.data(), filter.data(), quiet.data(), nullptr};
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), envp.data()), 0);
    pids.push_back(pid);
  }
  RankRun run;
  for (const pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.statuses.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

double maxError(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i].to(torch::kFloat64) - b[i].to(torch::kFloat64)).abs().max().item<double>());
  return worst;
}

TEST(DataParallel, TheGatheredContrastiveLossAndItsGradientAreTheSingleProcessOnes) {
  test::TempDir dir;
  const RankRun run = runRanks("GatheredContrastiveLoss", dir.path());
  ASSERT_EQ(run.statuses, std::vector<int>(kWorld, 0));

  auto [e, ids] = combinedEmbeddings();
  e.requires_grad_(true);
  const torch::Tensor loss = contrastiveLoss(e, ids, 0.1, 0.07).loss;
  loss.backward();
  const int64_t n = e.size(0) / kWorld;
  for (int rank = 0; rank < kWorld; ++rank) {
    const std::vector<torch::Tensor> got = load(dir / fmt::format("rank-{}.pt", rank));  // {loss, local gradient}
    const double lossError = std::abs(got[0].item<double>() - loss.item<double>());
    // A rank's gradient is W times its rows' share: the ranks' mean is the one-process gradient.
    const double gradError = (got[1] / kWorld - e.grad().slice(0, rank * n, (rank + 1) * n)).abs().max().item<double>();
    std::printf("rank %d: loss error %.3g, gradient error %.3g (float64)\n", rank, lossError, gradError);
    EXPECT_LT(lossError, 1e-12);
    EXPECT_LT(gradError, 1e-12);
  }
}

// A source that stacks the ranks' batches: one process sees the combined batch.
class CombinedSource : public ViewSource {
 public:
  explicit CombinedSource(const RealDataset& d) {
    for (int r = 0; r < kWorld; ++r) parts_.push_back(rankSource(d, r));
  }
  ViewBatch batch(int64_t step, int64_t anchors) override {
    const int64_t each = anchors / kWorld;
    std::vector<ViewBatch> b;
    for (auto& p : parts_) b.push_back(p->batch(step, each));
    ViewBatch out = b[0];
    out.anchors = anchors;
    std::vector<torch::Tensor> views, ids, classes, latents, synthetic;
    for (int r = 0; r < kWorld; ++r) {
      views.push_back(b[r].views);
      ids.push_back(b[r].anchorIds + r * each);  // as the ranks offset theirs
      classes.push_back(b[r].classes);
      latents.push_back(b[r].latents);
      synthetic.push_back(b[r].synthetic);
    }
    const auto cat = [](const std::vector<torch::Tensor>& parts) { return parts[0].defined() ? torch::cat(parts) : torch::Tensor(); };
    out.views = cat(views);
    out.anchorIds = cat(ids);
    out.classes = cat(classes);
    out.latents = cat(latents);
    out.synthetic = cat(synthetic);
    return out;
  }
  std::string describe() const override { return "combined"; }
  int64_t classes() const override { return parts_[0]->classes(); }
  int64_t latentDim() const override { return parts_[0]->latentDim(); }
  int64_t viewsPerAnchor() const override { return parts_[0]->viewsPerAnchor(); }
  int64_t channels() const override { return parts_[0]->channels(); }

 private:
  std::vector<std::unique_ptr<RealViewSource>> parts_;
};

TEST(DataParallel, TwoRanksTrainTheWeightsOfOneProcessOnTheCombinedBatch) {
  test::TempDir dir;
  const RankRun run = runRanks("TrainSimclr", dir.path());
  ASSERT_EQ(run.statuses, std::vector<int>(kWorld, 0));

  const RealDataset d = data();
  CombinedSource source(d);
  Learner one = learner();
  MetricsLog metrics(dir / "one-metrics.jsonl");
  fs::create_directories(dir / "one");
  trainEncoder(one.encoder, *one.objective, source, trainingOptions(), dir / "one" / "checkpoint.pt", metrics);
  const std::vector<torch::Tensor> expected = stateOf(one);
  const std::vector<torch::Tensor> rank0 = load(dir / "rank-0.pt"), rank1 = load(dir / "rank-1.pt");
  ASSERT_EQ(rank0.size(), expected.size());
  EXPECT_EQ(maxError(rank0, rank1), 0.0) << "the ranks hold the same weights";
  const double error = maxError(rank0, expected);
  std::printf("2 ranks x %lld anchors vs 1 process x %lld, %lld SimCLR steps, synchronised batch norm: max weight error %.3g\n",
              static_cast<long long>(kAnchorsPerRank), static_cast<long long>(kWorld * kAnchorsPerRank),
              static_cast<long long>(kSteps), error);
  EXPECT_LT(error, 1e-4);
}

TEST(DataParallel, TwoRanksTrainTheGanOfOneProcessOnTheCombinedBatch) {
  test::TempDir dir;
  const RankRun run = runRanks("TrainGan", dir.path());
  ASSERT_EQ(run.statuses, std::vector<int>(kWorld, 0));
  GanTrainingOptions options = ganOptions();
  options.streamParts = kWorld;  // the two ranks' draws, in one process
  const fs::path one = trainGanIn(dir.path(), "one", options);
  auto expected = loadGanGenerator(one)->net()->named_parameters();
  auto got = loadGanGenerator(dir / "ranks" / "generator")->net()->named_parameters();
  // Adam moves every weight by about lr per step whatever the gradient's size, so a weight
  // whose gradient is near zero can differ by up to lr from float rounding alone; what must
  // hold is that nearly every weight agrees closely.
  int64_t weights = 0, apart = 0;
  double error = 0;
  for (const auto& item : expected) {
    const torch::Tensor diff = (item.value() - got[item.key()]).abs();
    weights += diff.numel();
    apart += (diff > 1e-6).sum().item<int64_t>();
    error = std::max(error, diff.max().item<double>());
  }
  std::printf("GAN, 2 ranks x 8 vs 1 process x 16, %lld steps, synchronised batch norm in G: %lld of %lld weights of the averaged G "
              "differ by more than 1e-6, max error %.3g\n",
              static_cast<long long>(kSteps), static_cast<long long>(apart), static_cast<long long>(weights), error);
  EXPECT_LT(static_cast<double>(apart), 0.01 * static_cast<double>(weights));
  EXPECT_LT(error, 1e-4);
}

// Each rank's streams are in the checkpoint: stopped and resumed, 2 ranks end where 2 ranks
// running straight through do, bit for bit.
TEST(DataParallel, AResumedDataParallelGanRunEndsWhereAStraightOneDoes) {
  test::TempDir straight, resumed;
  ASSERT_EQ(runRanks("TrainGan", straight.path(), {"GENREP_TEST_GAN_STEPS=4"}).statuses, std::vector<int>(kWorld, 0));
  ASSERT_EQ(runRanks("TrainGan", resumed.path(), {"GENREP_TEST_GAN_STEPS=2"}).statuses, std::vector<int>(kWorld, 0));
  const std::string firstHalf = readFileText(resumed / "ranks" / "metrics-0.jsonl");
  ASSERT_EQ(runRanks("TrainGan", resumed.path(), {"GENREP_TEST_GAN_STEPS=4"}).statuses, std::vector<int>(kWorld, 0));
  const std::string whole = readFileText(resumed / "ranks" / "metrics-0.jsonl");
  EXPECT_EQ(whole.rfind(firstHalf, 0), 0u) << "it resumed at step 2: steps 1-2 are the first run's lines";
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 4) << whole;
  auto a = loadGanGenerator(straight / "ranks" / "generator")->net()->named_parameters();
  auto b = loadGanGenerator(resumed / "ranks" / "generator")->net()->named_parameters();
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
}

TEST(DataParallel, AResumedDataParallelEncoderRunEndsWhereAStraightOneDoes) {
  test::TempDir straight, resumed;
  ASSERT_EQ(runRanks("TrainSimclr", straight.path(), {"GENREP_TEST_STOP_AT=-1"}).statuses, std::vector<int>(kWorld, 0));
  // Both ranks die fetching the third step's views, after the checkpoint of step 2.
  ASSERT_EQ(runRanks("TrainSimclr", resumed.path(), {"GENREP_TEST_STOP_AT=2"}).statuses, std::vector<int>(kWorld, 4));
  const std::string firstPart = readFileText(resumed / "metrics-0.jsonl");
  ASSERT_EQ(runRanks("TrainSimclr", resumed.path(), {"GENREP_TEST_STOP_AT=-1"}).statuses, std::vector<int>(kWorld, 0));
  const std::string whole = readFileText(resumed / "metrics-0.jsonl");
  EXPECT_EQ(whole.rfind(firstPart, 0), 0u) << "it resumed at step 2: steps 1-2 are the first run's lines";
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 3) << whole;
  EXPECT_EQ(maxError(load(straight / "rank-0.pt"), load(resumed / "rank-0.pt")), 0.0);
  EXPECT_EQ(maxError(load(straight / "rank-1.pt"), load(resumed / "rank-1.pt")), 0.0);
}

// The walk trainer's options as the rank processes use them (batch 8 over all ranks).
WalkTrainingOptions walkOptions() {
  WalkTrainingOptions options;
  options.edits = {{EditKind::Brightness, defaultEditRange(EditKind::Brightness)}};
  options.steps = 4;
  options.batch = 8;
  options.evalSamples = 8;
  options.lr = 0.05;
  return options;
}

TEST(DataParallel, TwoRanksLearnTheSameSteeringWalksAsOneProcessOnTheirBatches) {
  test::TempDir dir;
  const RankRun run = runRanks("TrainWalks", dir.path());
  ASSERT_EQ(run.statuses, std::vector<int>(kWorld, 0));
  const std::vector<torch::Tensor> rank0 = load(dir / "rank-0.pt"), rank1 = load(dir / "rank-1.pt");
  EXPECT_EQ(maxError(rank0, rank1), 0.0) << "the walks' gradients are averaged, so the ranks hold the same walks";
  EXPECT_GT(rank0[0].norm().item<double>(), 0.0) << "the walk moved";

  // One process on the combined batch, drawn from the two ranks' streams.
  test::EchoGenerator generator(3);
  WalkTrainingOptions options = walkOptions();
  options.streamParts = kWorld;
  const SteeringWalks walks = trainWalks(generator, options, torch::kCPU);
  const double error = maxError({torch::tensor(walks.walks[0].direction)}, rank0);
  std::printf("steering walk, 2 ranks x 4 vs 1 process x 8, 4 Adam steps: max direction error %.3g (norm %.3g)\n", error,
              rank0[0].norm().item<double>());
  EXPECT_LT(error, 1e-5);
}

TEST(DataParallel, WhenOneRankDiesTheOtherStopsWithAnError) {
  test::TempDir dir;
  const RankRun run = runRanks("OneRankDies", dir.path());
  EXPECT_EQ(run.statuses[1], 128 + SIGKILL);
  EXPECT_EQ(run.statuses[0], 3) << "rank 0 must stop with an error, not hang";
  EXPECT_LT(run.seconds, 60.0);
  std::printf("rank 0 stopped %.1f s after the start: %s\n", run.seconds, readFileText(dir / "rank-0.err").c_str());
}

// ---- the rank processes ---------------------------------------------------------------------

class DataParallelWorker : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("GENREP_TEST_DIST_DIR");
    if (!dir) GTEST_SKIP() << "runs only as a rank process started by the DataParallel tests";
    dir_ = dir;
    fs::create_directories(dir_ / "ranks");
    ranks_ = DataParallel::fromEnvironment(torch::kCPU, std::chrono::seconds(30));
  }
  fs::path dir_;
  std::shared_ptr<DataParallel> ranks_;
};

TEST_F(DataParallelWorker, GatheredContrastiveLoss) {
  auto [e, ids] = combinedEmbeddings();
  const int64_t n = e.size(0) / ranks_->worldSize();
  const torch::Tensor local = e.slice(0, ranks_->rank() * n, (ranks_->rank() + 1) * n).clone().requires_grad_(true);
  const torch::Tensor localIds = ids.slice(0, ranks_->rank() * n, (ranks_->rank() + 1) * n);
  const torch::Tensor share =
      contrastiveLossOfRows(ranks_->gather(local), ranks_->gather(localIds), 0.1, 0.07, ranks_->rank() * n, n).loss *
      ranks_->worldSize();
  share.backward();
  torch::Tensor total = share.detach().clone();
  ranks_->sumInPlace(total);
  save({total / ranks_->worldSize(), local.grad()}, dir_ / fmt::format("rank-{}.pt", ranks_->rank()));
}

// Ends its process when asked for the batch of one step: a killed run, or a rank that dies.
class InterruptingSource : public test::WrappedSource {
 public:
  InterruptingSource(ViewSource& inner, int64_t atStep, std::function<void()> interrupt)
      : WrappedSource(inner), atStep_(atStep), interrupt_(std::move(interrupt)) {}
  ViewBatch batch(int64_t step, int64_t anchors) override {
    if (step == atStep_) interrupt_();
    return inner_.batch(step, anchors);
  }

 private:
  int64_t atStep_;
  std::function<void()> interrupt_;
};

TEST_F(DataParallelWorker, TrainSimclr) {
  const RealDataset d = data();
  const auto inner = rankSource(d, ranks_->rank());
  // GENREP_TEST_STOP_AT=k: the ranks stop at step k (exit 4), a killed run.
  const char* stopAt = std::getenv("GENREP_TEST_STOP_AT");
  InterruptingSource source(*inner, stopAt ? std::atoll(stopAt) : -1, [] { ::_exit(4); });
  Learner l = learner();
  MetricsLog metrics(dir_ / fmt::format("metrics-{}.jsonl", ranks_->rank()));
  EncoderTrainingOptions options = trainingOptions();
  options.ranks = ranks_;
  options.checkpointEvery = 1;
  trainEncoder(l.encoder, *l.objective, source, options, dir_ / "ranks" / "checkpoint.pt", metrics);
  save(stateOf(l), dir_ / fmt::format("rank-{}.pt", ranks_->rank()));
}

TEST_F(DataParallelWorker, TrainGan) {
  GanTrainingOptions options = ganOptions();
  options.ranks = ranks_;
  options.checkpointEvery = 2;
  if (const char* steps = std::getenv("GENREP_TEST_GAN_STEPS")) options.steps = std::atoll(steps);
  trainGanIn(dir_, "ranks", options);
}

TEST_F(DataParallelWorker, TrainWalks) {
  test::EchoGenerator generator(3);
  WalkTrainingOptions options = walkOptions();
  options.ranks = ranks_;
  const SteeringWalks walks = trainWalks(generator, options, torch::kCPU);
  const std::vector<float>& w = walks.walks[0].direction;
  save({torch::tensor(w)}, dir_ / fmt::format("rank-{}.pt", ranks_->rank()));
}

TEST_F(DataParallelWorker, OneRankDies) {
  const RealDataset d = data();
  const auto inner = rankSource(d, ranks_->rank());
  // Rank 1 is killed in its third step; rank 0 must notice and stop.
  InterruptingSource source(*inner, ranks_->rank() == 1 ? 2 : -1, [] { ::raise(SIGKILL); });
  Learner l = learner();
  MetricsLog metrics(dir_ / fmt::format("metrics-{}.jsonl", ranks_->rank()));
  EncoderTrainingOptions options = trainingOptions();
  options.steps = 1000;
  options.ranks = ranks_;
  try {
    trainEncoder(l.encoder, *l.objective, source, options, dir_ / "ranks" / "checkpoint.pt", metrics);
  } catch (const std::exception& error) {
    std::ofstream(dir_ / "rank-0.err") << error.what();
    std::fflush(nullptr);
    ::_exit(3);
  }
  ::_exit(0);
}

}  // namespace
}  // namespace genrep
