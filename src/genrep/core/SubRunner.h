#pragma once
// Runs a named set of sub-runs, each in its own folder, and reuses them by their settings: the
// demo's methods x seeds, an experiment's points. A sub-run whose result file exists and was
// made with the same deciding settings is reused as it is; one made with other settings is
// refused (its folder holds another run); otherwise `work` runs in the folder (training resumes
// from its own checkpoint there), and its result is stamped with the settings' signature and
// written atomically, so a killed run leaves either no result or a whole one.
//
//   SubRunner runner(schema, {KeyRole::Decides, KeyRole::Measures});   // what decides a probed encoder
//   nlohmann::json r = runner.run({"simclr-tx", "SimCLR, Tx only", folder}, config,
//                                 [&](const Config& c, const std::filesystem::path& f) { return trainAndProbe(c, f); });
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/core/Config.h"

namespace genrep {

struct SubRun {
  std::string id;     // "simclr-tx": stored in the result as "method"
  std::string label;  // "SimCLR, generator, Tx only": what the progress lines call it
  std::filesystem::path folder;
};

class SubRunner {
 public:
  using Work = std::function<nlohmann::json(const Config& config, const std::filesystem::path& folder)>;

  static constexpr const char* kResultFile = "eval.json";

  // `schema`: the one every sub-run's config is resolved against (defaults of keys newer than
  // a stored result). `counted`: the roles of the keys that decide a result (core/Config.h
  // KeyRole; operational keys and a command's choices never do).
  SubRunner(const ConfigSchema& schema, std::vector<KeyRole> counted);

  // The result of `sub` under `config`: reused, or made by `work` and stored. Throws
  // std::invalid_argument naming the result file when it was made with other settings.
  nlohmann::json run(const SubRun& sub, const Config& config, const Work& work) const;

 private:
  const ConfigSchema& schema_;
  std::vector<KeyRole> counted_;
};

}  // namespace genrep
