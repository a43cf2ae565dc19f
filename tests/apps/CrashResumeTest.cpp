// kill -9 at a random moment, then the same command again: it continues, and ends with what
// an uninterrupted run makes; nothing is lost or logged twice, and no torn or temporary file
// is left. For training, offline generation and the demo (which holds the other two kinds
// of work: walks and evaluations). The kill moments are random but seeded; whatever moment
// they hit, the outcome checked is the same.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "genrep/core/CheckpointFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/data/SyntheticShard.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

// Runs `command` through the shell and SIGKILLs it after `seconds` unless it ended before.
// Returns true when it was killed.
bool runAndKillAfter(const std::string& command, double seconds) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + command + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(child, &status, WNOHANG) == child) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, &status, 0);
  return true;
}

// Every file genrep leaves is whole: checkpoints and shards pass their hash, JSON parses,
// metrics lines parse (but a torn last one, which the next run drops). Temporaries of the
// killed writer may remain until the next run.
void expectNothingTorn(const fs::path& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const fs::path& file = entry.path();
    const std::string name = file.filename().string();
    if (name.find(".tmp.") != std::string::npos) continue;
    if (name.rfind("checkpoint", 0) == 0) {
      EXPECT_NO_THROW(decodeCheckpoint(readFileText(file), file.string())) << file;
    } else if (file.extension() == ".grs") {
      EXPECT_NO_THROW(parseShard(readFileBytes(file), file.string())) << file;
    } else if (file.extension() == ".json") {
      EXPECT_NO_THROW(readJsonFile(file)) << file;
    }
  }
}

// After the final run: no temporary left, and each step logged once in every metrics file.
void expectCleanFinish(const fs::path& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp."), std::string::npos) << entry.path();
    if (name != "metrics.jsonl") continue;
    std::set<std::pair<std::string, int64_t>> steps;  // (event, step): a step's log line and its monitor reading
    const std::string text = readFileText(entry.path());
    size_t begin = 0;
    for (size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
      const nlohmann::json record = nlohmann::json::parse(text.substr(begin, end - begin));
      if (!record.contains("step")) continue;
      EXPECT_TRUE(steps.insert({record.value("event", ""), record["step"].get<int64_t>()}).second)
          << entry.path() << " step " << record["step"] << " " << record.value("event", "");
    }
    EXPECT_EQ(begin, text.size()) << entry.path() << " ends with a torn line";
  }
}

class CrashResume : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    test::writeBytes(data_ / "train-images-idx3-ubyte", test::idxImages(120, 8, 8));
    test::writeBytes(data_ / "train-labels-idx1-ubyte", test::idxLabels(120, 10));
    test::writeBytes(data_ / "t10k-images-idx3-ubyte", test::idxImages(30, 8, 8));
    test::writeBytes(data_ / "t10k-labels-idx1-ubyte", test::idxLabels(30, 10));
  }

  // `args` run once straight (in straight/), then in crashed/ killed `kills` times at seeded
  // random moments within the straight run's duration, then once to the end.
  void straightThenKilled(const std::string& args, int kills) {
    const auto command = [&](const std::string& where) {
      return std::string(GENREP_BINARY) + " " + args + " --threads 1 --set run.root=" + quote(dir_ / where / "runs");
    };
    const auto start = Clock::now();
    const test::CommandResult straight = test::runCommand(command("straight"));
    ASSERT_EQ(straight.status, 0) << straight.output;
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::mt19937 rng(20261129);
    std::uniform_real_distribution<double> moment(0.1 * seconds, 0.9 * seconds);
    int killed = 0;
    for (int k = 0; k < kills; ++k) {
      killed += runAndKillAfter(command("crashed"), moment(rng));
      if (fs::exists(dir_ / "crashed")) expectNothingTorn(dir_ / "crashed");
    }
    std::printf("%s: straight run %.1f s, %d of %d runs killed\n", args.substr(0, args.find(' ')).c_str(), seconds, killed, kills);
    const test::CommandResult finished = test::runCommand(command("crashed"));
    ASSERT_EQ(finished.status, 0) << finished.output;
    expectCleanFinish(dir_ / "crashed");
  }

  fs::path straight(const std::string& path) const { return dir_ / "straight" / path; }
  fs::path crashed(const std::string& path) const { return dir_ / "crashed" / path; }

  test::TempDir dir_;
  fs::path data_;
  const fs::path generator_ = fs::path(GENREP_FIXTURE_DIR) / "gan-native";
  const std::string tinyEncoder_ = " --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --batch 8";
};

TEST_F(CrashResume, TrainingContinuesToTheSameEncoder) {
  straightThenKilled("train --generator " + quote(generator_) + tinyEncoder_ +
                         " --steps 60 --run-name enc --set learn.checkpoint_every=4 --set learn.log_every=1",
                     4);
  EXPECT_EQ(readFileBytes(crashed("runs/enc/encoder/encoder.pt")), readFileBytes(straight("runs/enc/encoder/encoder.pt")));
}

TEST_F(CrashResume, OfflineGenerationWritesTheSameShards) {
  straightThenKilled("generate --generator " + quote(generator_) + " --anchors 300 --pool 4 --set generate.shard_anchors=20" +
                         " --run-name gen --out " + quote(dir_ / "shards"),
                     4);
  // --out is outside run.root: both runs wrote the same folder, so compare with a fresh one.
  const test::CommandResult fresh = test::runCommand(std::string(GENREP_BINARY) + " generate --generator " + quote(generator_) +
                                                     " --anchors 300 --pool 4 --set generate.shard_anchors=20 --threads 1" +
                                                     " --set run.root=" + quote(dir_ / "fresh") + " --out " + quote(dir_ / "fresh-shards"));
  ASSERT_EQ(fresh.status, 0) << fresh.output;
  size_t shards = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "fresh-shards")) {
    if (entry.path().extension() != ".grs") continue;
    ++shards;
    EXPECT_EQ(readFileBytes(dir_ / "shards" / entry.path().filename()), readFileBytes(entry.path())) << entry.path().filename();
  }
  EXPECT_EQ(shards, 45u);  // 300 anchors per class x 3 classes / 20 per shard
  expectCleanFinish(dir_ / "shards");
}

TEST_F(CrashResume, TheDemoContinuesToTheSameTable) {
  straightThenKilled("demo --generator " + quote(generator_) + " --path " + quote(data_) + tinyEncoder_ +
                         " --steps 12 --set learn.checkpoint_every=2 --set steer.steps=6 --set steer.eval_samples=16"
                         " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5"
                         " --set eval.linear_epochs=2 --set eval.few_shot_steps=5",
                     3);
  const nlohmann::json a = readJsonFile(straight("runs/demo/results.json")), b = readJsonFile(crashed("runs/demo/results.json"));
  ASSERT_TRUE(a.contains("rows")) << a.dump();
  ASSERT_EQ(a["rows"].size(), b["rows"].size());
  for (size_t i = 0; i < a["rows"].size(); ++i) {
    for (const char* probe : {"label", "linear_top1", "knn_top1", "few_shot"}) {
      EXPECT_EQ(a["rows"][i][probe], b["rows"][i][probe]) << a["rows"][i].dump() << " vs " << b["rows"][i].dump();
    }
  }
}

TEST_F(CrashResume, AnExperimentContinuesToTheSameResults) {
  straightThenKilled("experiment sigma --run-name exp --seeds 1 --generator " + quote(generator_) + " --path " + quote(data_) +
                         tinyEncoder_ +
                         " --steps 12 --set learn.checkpoint_every=2 --set experiment.values=0.25,1.0"
                         " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5"
                         " --set eval.linear_epochs=2 --set eval.few_shot_steps=5",
                     3);
  const nlohmann::json a = readJsonFile(straight("runs/exp/results.json")), b = readJsonFile(crashed("runs/exp/results.json"));
  ASSERT_EQ(a["points"].size(), 4u) << a.dump();  // Tx only and independent views once, gaussian at two sigmas
  ASSERT_EQ(a["points"].size(), b["points"].size());
  for (size_t i = 0; i < a["points"].size(); ++i) {
    for (const char* key : {"method", "value", "linear", "knn", "few_shot"}) {
      EXPECT_EQ(a["points"][i][key], b["points"][i][key]) << key << ": " << a["points"][i].dump() << " vs " << b["points"][i].dump();
    }
  }
  ASSERT_EQ(a["rows"].size(), b["rows"].size());
  for (size_t i = 0; i < a["rows"].size(); ++i) {  // all but the speed
    for (const char* key : {"method", "value", "linear_top1", "knn_top1", "few_shot", "per_seed"}) {
      EXPECT_EQ(a["rows"][i][key], b["rows"][i][key]) << key;
    }
  }
}

}  // namespace
}  // namespace genrep
