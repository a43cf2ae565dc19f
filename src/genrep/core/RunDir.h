#pragma once
// A run folder per command: the resolved config, the JSONL metrics and every output.
//
//   genrep::RunDir run = genrep::RunDir::create("runs", "", "data-info");
//   // -> runs/data-info-20261129-071502/ (a "-2" suffix when that exists already)
//   run.saveConfig(config.toToml());           // config.toml, atomically
//   genrep::MetricsLog metrics(run.file("metrics.jsonl"));
#include <filesystem>
#include <string>

namespace genrep {

class RunDir {
 public:
  // `name` empty: "<command>-<YYYYmmdd-HHMMSS>" under `root`. A given name is reused as is
  // (so a command can continue in its folder); a generated one never collides.
  static RunDir create(const std::filesystem::path& root, const std::string& name, const std::string& command);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }
  void saveConfig(const std::string& toml) const;  // config.toml, atomically

 private:
  explicit RunDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace genrep
