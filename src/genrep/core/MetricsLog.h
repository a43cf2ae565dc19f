#pragma once
// Metrics as JSON Lines: one object per line, flushed at once so that a crash loses
// at most the line being written and `tail -f` shows progress.
//
//   genrep::MetricsLog log(runDir / "metrics.jsonl");
//   log.write({{"step", 100}, {"loss", 0.53}});   // adds "time": seconds since the log opened
//   log.rewindTo(checkpointStep);                 // a resumed run: each step is logged once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace genrep {

class MetricsLog {
 public:
  explicit MetricsLog(std::filesystem::path file);  // appends when the file exists
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  void write(nlohmann::json record);
  // Drops the records whose "step" is after `step` and a torn last line (a run killed while
  // writing it), so that a run resumed from its checkpoint at `step` logs every step once.
  // Records without a step stay. The file is rewritten atomically.
  void rewindTo(int64_t step);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::FILE* out_ = nullptr;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace genrep
