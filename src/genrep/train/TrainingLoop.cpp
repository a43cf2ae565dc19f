#include "genrep/train/TrainingLoop.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Progress.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/runtime/FailureDump.h"

namespace genrep {
namespace {

void loadFrom(const CheckpointFile& checkpoint, const TrainingLoopOptions& options, TrainingTask& task, int64_t& step) {
  try {
    CheckpointReader in(checkpoint);
    task.load(in);
    step = in.tensor("step").item<int64_t>();
  } catch (const std::exception& error) {
    const std::string message = error.what();
    throw std::runtime_error(fmt::format("cannot resume from checkpoint {}: {} (set {}=false to start over)", options.checkpoint.string(),
                                         message.substr(0, message.find('\n')), options.resumeKey));
  }
}

// Stops the run: the inputs of the step go beside the checkpoint (each rank its own), the
// error says where.
[[noreturn]] void stopOnNonFinite(const NonFiniteError& error, const TrainingLoopOptions& options, const DataParallel& ranks,
                                  int64_t step) {
  std::filesystem::path folder = options.checkpoint.parent_path();
  if (ranks.worldSize() > 1) folder /= fmt::format("rank-{}", ranks.rank());
  const std::filesystem::path dump = writeFailureDump(folder, step, options.seed, error.what(), error.inputs());
  throw std::runtime_error(fmt::format("{} at step {} (run.seed {}); the step's inputs are in {}", error.what(), step, options.seed,
                                       dump.string()));
}

// Sums of the step values since the last metrics line.
class LogWindow {
 public:
  void add(const StepValues& values) {
    if (sums_.empty()) {
      sums_ = values;
    } else {
      for (size_t i = 0; i < values.size(); ++i) sums_[i].second += values[i].second;
    }
    ++steps_;
  }
  StepValues takeMeans() {
    StepValues means = sums_;
    for (auto& entry : means) entry.second /= static_cast<double>(steps_);
    sums_.clear();
    steps_ = 0;
    return means;
  }

 private:
  StepValues sums_;
  int64_t steps_ = 0;
};

}  // namespace

std::optional<CheckpointFile> findResumeCheckpoint(const TrainingLoopOptions& options) {
  if (!options.resume || options.checkpoint.empty()) return std::nullopt;
  return checkpointToResume(options.checkpoint, options.checkpointKind, options.checkpointVersion, options.settings,
                            options.resumeChanged, options.resumeKey);
}

int64_t runTrainingLoop(TrainingTask& task, const TrainingLoopOptions& options, MetricsLog* metrics) {
  // Typed options reach the loop from C++ callers too, past the settings' own range checks.
  if (options.logEvery < 1 || options.checkpointEvery < 1) {
    throw std::invalid_argument(fmt::format("{}: logEvery is {} and checkpointEvery {}; both must be >= 1", options.name,
                                            options.logEvery, options.checkpointEvery));
  }
  const std::shared_ptr<DataParallel> ranks = options.ranks ? options.ranks : DataParallel::single();
  int64_t step = 0;
  if (const std::optional<CheckpointFile> found = findResumeCheckpoint(options)) {
    loadFrom(*found, options, task, step);
    fmt::print(stderr, "{}: resuming from {} at step {}\n", options.name, options.checkpoint.string(), step);
  }
  if (ranks->isMain()) {
    if (!options.checkpoint.empty()) removeStaleTemporaries(options.checkpoint.parent_path());
    if (metrics) metrics->rewindTo(step);
  }
  // Every rank starts from rank 0's state (the same seed makes the same one; this makes sure).
  std::vector<torch::Tensor> shared = task.sharedState();
  ranks->broadcastFromMain(shared);

  std::optional<Progress> progress;
  if (options.showProgress) progress.emplace(fmt::format("{} (step {} of {})", options.name, step, options.steps), options.steps - step, "step");
  LogWindow window;
  while (step < options.steps) {
    StepValues values;
    try {
      values = task.step(step);
    } catch (const NonFiniteError& error) {
      stopOnNonFinite(error, options, *ranks, step);
    }
    ++step;
    window.add(values);
    if (progress) progress->advance();
    const bool last = step == options.steps;
    if (step % options.logEvery == 0 || last) {
      const nlohmann::json record = task.logRecord(step, window.takeMeans());
      if (ranks->isMain() && metrics) metrics->write(record);
    }
    if (ranks->isMain() && metrics) {
      if (std::optional<nlohmann::json> record = task.probe(step)) {
        metrics->write(*record);
        if (progress) progress->setNote(task.progressNote());
      }
    }
    if (!options.checkpoint.empty() && (step % options.checkpointEvery == 0 || last)) {
      task.gather();
      if (ranks->isMain()) {
        CheckpointWriter out;
        task.save(out);
        out.write("step", torch::tensor(step));
        out.commit(options.checkpoint, {options.checkpointKind, options.checkpointVersion, step, options.settings.json(), {}});
      }
    }
  }
  if (progress) progress->finish();
  return step;
}

}  // namespace genrep
