// genrep steer train: learn latent walks that reproduce pixel edits (docs/steering.md).
#include <stdexcept>

#include <fmt/format.h>

#include "EncoderRuns.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/MetricsLog.h"
#include "genrep/core/Progress.h"
#include "genrep/core/TextList.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/runtime/Device.h"
#include "genrep/settings/SteerKeys.h"
#include "genrep/steer/WalkTrainer.h"

namespace genrep::app {

nlohmann::json trainWalksRun(const Config& config, std::shared_ptr<Generator> generator, const std::filesystem::path& folder,
                             MetricsLog& metrics, std::shared_ptr<DataParallel> ranks) {
  if (!ranks) ranks = DataParallel::single();
  WalkTrainingOptions options = walkTrainingOptionsFromConfig(config, generator->info().channels);
  options.ranks = ranks;
  const torch::Device device = selectDevice(deviceFromConfig(config));
  options.validate(generator->info());  // before anything is printed or written
  fmt::print("generator  {}  {}\n", generatorPathFromConfig(config), generator->info().description);
  std::string names;
  for (const EditSpec& e : options.edits) names += (names.empty() ? "" : ", ") + editName(e.kind);
  fmt::print("walks      {}  ({} steps x {} latents, Adam lr {})\n", names, options.steps, options.batch, options.lr);
  if (ranks->isMain()) metrics.rewindTo(0);  // walks are learned from the start each time: a killed run's lines go
  Progress progress("steer train", options.steps, "step");
  SteeringWalks walks = trainWalks(*generator, options, device, [&](int64_t step, const std::vector<double>& losses) {
    progress.advance();
    if (ranks->isMain() && ((step + 1) % 25 == 0 || step + 1 == options.steps)) {
      nlohmann::json line = {{"step", step + 1}};
      for (size_t e = 0; e < losses.size(); ++e) line["loss_" + editName(options.edits[e].kind)] = losses[e];
      metrics.write(line);
    }
  });
  progress.finish();
  walks.generator = {{"path", generatorPathFromConfig(config)}, {"description", generator->info().description}};
  if (ranks->isMain()) saveSteeringWalks(folder, walks);
  ranks->barrier();
  fmt::print("{:<12} {:>16} {:>13} {:>10} {:>9}\n", "edit", "range", "MSE no walk", "MSE walk", "achieved");
  nlohmann::json report = nlohmann::json::object();
  for (const SteeringWalk& w : walks.walks) {
    fmt::print("{:<12} {:>16} {:>13.5f} {:>10.5f} {:>8.1f} %\n", w.edit, fmt::format("[{}, {}]", w.min, w.max),
               w.report["identity_mse"].get<double>(), w.report["walk_mse"].get<double>(), 100 * w.report["achieved"].get<double>());
    report[w.edit] = w.report;
  }
  if (ranks->isMain()) metrics.write({{"event", "steer_train"}, {"report", report}});
  return report;
}

std::filesystem::path learnWalksOnce(const Config& config, std::shared_ptr<Generator> generator, const std::filesystem::path& folder) {
  nlohmann::json settings = nlohmann::json::object();
  const nlohmann::json all = config.toJson();  // items() must not outlive the json it walks
  for (const auto& [key, value] : all.items()) {
    if (config.schema().find(key)->role == KeyRole::Walks) settings[key] = value;  // keys are flat
  }
  settings["generator"] = generatorPathFromConfig(config);
  settings["seed"] = static_cast<int64_t>(runOptionsFromConfig(config).seed);
  const std::filesystem::path settingsFile = folder / "settings.json";
  std::error_code ec;
  if (std::filesystem::exists(folder / "walks.json", ec) && std::filesystem::exists(settingsFile, ec)) {
    if (readJsonFile(settingsFile) != settings) {
      throw std::invalid_argument(fmt::format("{} holds walks learned with other settings; use another --run-name, or delete it",
                                              folder.string()));
    }
    fmt::print("{:<38} reused {}\n", "Steering walks", (folder / "walks.json").string());
    return folder;
  }
  fmt::print("\n== Steering walks ({})\n", folder.string());
  std::filesystem::create_directories(folder);
  MetricsLog metrics(folder / "metrics.jsonl");
  trainWalksRun(config, generator, folder, metrics);
  writeFileAtomic(settingsFile, settings.dump(2) + "\n");
  return folder;
}

namespace {

void runSteerTrain(CommandContext& context) {
  const Config& config = context.config;
  std::shared_ptr<Generator> generator = loadGenerator(generatorPathFromConfig(config));
  const std::filesystem::path folder = context.run.file("walks");
  trainWalksRun(config, generator, folder, context.metrics, context.ranks);
  fmt::print("wrote      {}  (use it: --set views.latent=steering --set views.walks={})\n", (folder / "walks.json").string(),
             folder.string());
}

}  // namespace

std::vector<CommandSpec> steerCommands() {
  return {
      {{"steer", "train"},
       "learn latent walks that reproduce pixel edits (zoom, shifts, rotation, brightness, contrast, colour)",
       [](ConfigSchema& schema) {
         addGeneratorKeys(schema);
         addDeviceKey(schema);
         addSteerKeys(schema);
       },
       {generatorFlag(),
        {"--edits", "steer.edits"},
        {"--steps", "steer.steps"},
        deviceFlag()},
       runSteerTrain, "", /*dataParallel=*/true},
  };
}

}  // namespace genrep::app
