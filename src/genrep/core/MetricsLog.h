#pragma once
// Metrics as JSON Lines: one object per line, flushed at once so that a crash loses
// at most the line being written and `tail -f` shows progress.
//
//   genrep::MetricsLog log(runDir / "metrics.jsonl");
//   log.write({{"step", 100}, {"loss", 0.53}});   // adds "time": seconds since the log opened
#include <chrono>
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
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::FILE* out_ = nullptr;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace genrep
