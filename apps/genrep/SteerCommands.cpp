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
#include "genrep/steer/WalkTrainer.h"

namespace genrep::app {
namespace {

// The edits and their ranges from steer.*; empty steer.edits = every edit the images allow.
std::vector<EditSpec> editsFromConfig(const Config& config, int64_t channels) {
  std::vector<EditSpec> edits;
  const std::string names = config.getString("steer.edits");
  if (names.empty()) {
    edits = defaultEdits(channels);
  } else {
    for (const std::string& name : splitList(names)) edits.push_back({parseEditKind(name), defaultEditRange(parseEditKind(name))});
  }
  for (EditSpec& e : edits) {
    switch (e.kind) {
      case EditKind::Zoom: e.range = {config.getFloat("steer.zoom_min"), config.getFloat("steer.zoom_max"), true}; break;
      case EditKind::ShiftX:
      case EditKind::ShiftY: e.range = {-config.getFloat("steer.shift"), config.getFloat("steer.shift"), false}; break;
      case EditKind::Rotate: e.range = {-config.getFloat("steer.rotate"), config.getFloat("steer.rotate"), false}; break;
      case EditKind::Brightness: e.range = {-config.getFloat("steer.brightness"), config.getFloat("steer.brightness"), false}; break;
      case EditKind::Contrast: e.range = {-config.getFloat("steer.contrast"), config.getFloat("steer.contrast"), false}; break;
      default: e.range = {-config.getFloat("steer.colour"), config.getFloat("steer.colour"), false}; break;
    }
  }
  return edits;
}

}  // namespace

void addSteerKeys(ConfigSchema& schema) {
  schema.addString("steer.edits", "", "comma-separated edits to learn; empty = zoom, shift_x, shift_y, rotate, brightness, "
                                      "contrast (and red, green, blue for RGB)");
  schema.addInt("steer.steps", 300, "Adam steps (each trains every walk on one batch)");
  schema.addInt("steer.batch", 32, "latents per step and walk");
  schema.addFloat("steer.lr", 0.01, "Adam learning rate of the walks");
  schema.addFloat("steer.truncation", 1.0, "z = truncation * TN(-2, 2)");
  schema.addInt("steer.eval_samples", 256, "held-out samples that measure each walk");
  schema.addFloat("steer.zoom_min", 0.5, "zoom factor range (log-uniform)");
  schema.addFloat("steer.zoom_max", 2.0, "zoom factor range (log-uniform)");
  schema.addFloat("steer.shift", 0.25, "shifts: +- this share of the width / height");
  schema.addFloat("steer.rotate", 30.0, "rotation: +- degrees");
  schema.addFloat("steer.brightness", 0.5, "brightness: +- amount on the [0, 1] pixel scale");
  schema.addFloat("steer.contrast", 0.5, "contrast: factor 1 +- amount");
  schema.addFloat("steer.colour", 0.5, "red, green, blue: +- amount on the [0, 1] pixel scale");
}

nlohmann::json trainWalksRun(const Config& config, std::shared_ptr<Generator> generator, const std::filesystem::path& folder,
                             MetricsLog& metrics, std::shared_ptr<DataParallel> ranks) {
  if (!ranks) ranks = DataParallel::single();
  WalkTrainingOptions options;
  options.ranks = ranks;
  options.edits = editsFromConfig(config, generator->info().channels);
  options.steps = config.getInt("steer.steps");
  options.batch = config.getInt("steer.batch");
  options.lr = config.getFloat("steer.lr");
  options.truncation = config.getFloat("steer.truncation");
  options.evalSamples = config.getInt("steer.eval_samples");
  options.seed = runOptionsFromConfig(config).seed;
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
    if (key.rfind("steer.", 0) == 0) settings[key] = value;  // keys are flat
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
       {{"--generator", "gen.path", "generator folder", false},
        {"--edits", "steer.edits", "comma-separated edits", false},
        {"--steps", "steer.steps", "Adam steps", false},
        {"--device", "run.device", "auto, cpu, cuda, cuda:N", false}},
       runSteerTrain, "", /*dataParallel=*/true},
  };
}

}  // namespace genrep::app
