#include "genrep/study/EncoderRun.h"

#include <optional>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Random.h"
#include "genrep/core/RunSettings.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/eval/Evaluation.h"
#include "genrep/eval/FeatureMap.h"
#include "genrep/eval/FeatureSet.h"
#include "genrep/eval/KnnMonitor.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/learn/EncoderFile.h"
#include "genrep/learn/EncoderTrainer.h"
#include "genrep/learn/Objective.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/Device.h"
#include "genrep/runtime/Provenance.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/EvalKeys.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/settings/ViewKeys.h"
#include "genrep/views/LatentView.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

std::shared_ptr<Generator> openGenerator(const Config& config) { return loadGenerator(generatorPathFromConfig(config)); }

bool sourceNeedsGenerator(const Config& config) { return needsGenerator(sourceKindFromConfig(config)); }
bool sourceNeedsDataset(const Config& config) { return needsDataset(sourceKindFromConfig(config)); }

std::string monitorRefusal(const RealDataset* data, int64_t viewChannels) {
  if (!data) return "no real dataset to monitor on";
  if (data->classNames.empty()) return fmt::format("{} has no labels", data->source);
  if (data->split.held.empty()) return "no validation split (data.val_fraction is 0)";
  if (data->train.channels != viewChannels) {
    return fmt::format("{} has {}-channel images, the views {}", data->source, data->train.channels, viewChannels);
  }
  return "";
}

ResNetEncoder randomEncoder(const Config& config, int64_t channels) {
  torch::manual_seed(deriveSeed(runOptionsFromConfig(config).seed, "encoder.init"));
  return ResNetEncoder(encoderArchFromConfig(config, channels));
}

nlohmann::json trainEncoderRun(const Config& config, const ConfigSchema& schema, const std::filesystem::path& folder,
                               MetricsLog& metrics, std::shared_ptr<Generator> generator, const RealDataset* dataset,
                               const RealDataset* monitorData, std::shared_ptr<DataParallel> ranks) {
  if (!ranks) ranks = DataParallel::single();
  EncoderTrainingOptions options = encoderTrainingOptionsFromConfig(config);
  // What decides an encoder: not how it is measured, nor which runs a command makes. The rank
  // count decides which streams make each batch.
  options.settings = RunSettings(config, schema, {}, {KeyRole::Decides, KeyRole::Walks});
  options.settings.add("dist.world_size", ranks->worldSize(), 1);
  options.ranks = ranks;
  checkEncoderCheckpoint(folder / "checkpoint.pt", options);  // before anything is built or printed
  const torch::Device device = selectDevice(deviceFromConfig(config));
  std::unique_ptr<ViewSource> source = makeViewSource(viewSourceOptionsFromConfig(config), generator, dataset, device, ranks->rank());
  ResNetEncoder encoder = randomEncoder(config, source->channels());
  std::shared_ptr<Objective> objective =
      makeObjective(objectiveOptionsFromConfig(config), encoder->arch().featureDim(), source->classes(), source->latentDim());
  encoder->to(device);
  objective->to(device);

  fmt::print("source     {}\nencoder    {} ({} features)\nobjective  {}  ({} steps x {} anchors, lr {:.4g})\n", source->describe(),
             encoder->arch().describe(), encoder->arch().featureDim(), config.getString("learn.objective"), options.steps, options.batch, options.lr());
  std::filesystem::create_directories(folder);
  if (ranks->worldSize() > 1) {
    fmt::print("ranks      {}: {} anchors each{}\n", ranks->describe(), options.batch / ranks->worldSize(),
               options.syncBatchNorm ? ", synchronised batch norm" : "");
  }
  std::optional<KnnMonitor> monitor;
  if (options.monitorEvery > 0 && ranks->isMain()) {
    if (const std::string off = monitorRefusal(monitorData, source->channels()); !off.empty()) {
      fmt::print("monitor    off: {} (learn.monitor_every=0 says so quietly)\n", off);
    } else {
      KnnMonitorOptions monitorOptions;
      monitorOptions.inputSize = config.getInt("views.crop_size");
      monitor.emplace(*monitorData, monitorOptions);
      fmt::print("monitor    kNN top-1 every {} steps: {} validation images against {} training images\n", options.monitorEvery,
                 monitor->queryImages(), monitor->bankImages());
    }
  }
  const EncoderMonitor reading = monitor ? EncoderMonitor([&](ResNetEncoder& e) { return monitor->accuracy(e); }) : EncoderMonitor();
  const EncoderTrainingResult result = trainEncoder(encoder, *objective, *source, options, folder / "checkpoint.pt", metrics, reading);

  const nlohmann::json training = {{"objective", config.getString("learn.objective")},
                                   {"source", source->describe()},
                                   {"steps", result.steps},
                                   {"batch", options.batch},
                                   {"views_per_anchor", source->viewsPerAnchor()},
                                   {"lr", options.lr()},
                                   {"seed", static_cast<int64_t>(runOptionsFromConfig(config).seed)},
                                   {"train_seconds", result.trainSeconds},
                                   {"views_per_second", result.viewsPerSecond},
                                   {"generate_share", result.trainSeconds > 0 ? result.generateSeconds / result.trainSeconds : 0},
                                   {"augment_share", result.trainSeconds > 0 ? result.augmentSeconds / result.trainSeconds : 0},
                                   {"monitor_seconds", result.monitorSeconds},
                                   {"crop_size", config.getInt("views.crop_size")},
                                   {"first_loss", result.firstLoss},
                                   {"final_loss", result.finalLoss},
                                   {"device", device.str()},
                                   {"cpu", hostCpu().toJson()},
                                   // The speed switches as applied (a CPU may refuse one).
                                   {"channels_last", result.channelsLast},
                                   {"precision", precisionName(result.precision)},
                                   {"ranks", ranks->worldSize()},
                                   {"config", config.toToml()}};
  encoder->to(torch::kCPU);
  if (ranks->isMain()) saveEncoder(folder / "encoder", encoder, training);
  ranks->barrier();  // the encoder is on disk before any rank goes on to use it
  fmt::print("trained    {} steps in {:.1f} s: {:.0f} views/s (generator {:.0f} %, pixel views {:.0f} %), loss {:.4f} -> {:.4f}\n",
             result.steps, result.trainSeconds, result.viewsPerSecond, 100 * training["generate_share"].get<double>(),
             100 * training["augment_share"].get<double>(), result.firstLoss, result.finalLoss);
  return training;
}

namespace {

// Every probe on one dataset.
nlohmann::json probeOn(const Config& config, ResNetEncoder* encoder, const RealDataset& dataset, int64_t inputSize) {
  EvaluationOptions options = evaluationOptionsFromConfig(config);
  options.limits.inputSize = encoder ? inputSize : 0;
  const torch::Device device = selectDevice(deviceFromConfig(config));
  const FeatureSet features = encoder ? encoderFeatures(*encoder, dataset, options.limits, device) : pixelFeatures(dataset, options.limits);
  nlohmann::json result = evaluateFeatures(features, options);
  result["input_transform"] = inputTransform(dataset.test.height, dataset.test.width, options.limits.inputSize);
  if (result["input_transform"] != "none") fmt::print("eval input {}\n", result["input_transform"].get<std::string>());
  result["dataset"] = {{"format", dataset.format}, {"source", dataset.source}, {"val_fraction", dataset.valFraction},
                       {"split_seed", dataset.splitSeed}, {"classes", dataset.classNames.size()}};
  return result;
}

}  // namespace

nlohmann::json evaluateRun(const Config& config, ResNetEncoder* encoder, const RealDataset& dataset, int64_t inputSize) {
  nlohmann::json result = probeOn(config, encoder, dataset, inputSize);
  if (const std::optional<DatasetSpec> second = probeDatasetSpecFromConfig(config)) {
    result["transfer"] = probeOn(config, encoder, openDataset(*second), inputSize);
    const nlohmann::json& t = result["transfer"];
    fmt::print("transfer   {} ({} classes): linear {:.2f} %  kNN {:.2f} %  few-shot {:.2f} %\n", t["dataset"]["source"].get<std::string>(),
               t["dataset"]["classes"].get<size_t>(), 100 * t["linear"]["top1"].get<double>(), 100 * t["knn"]["top1"].get<double>(),
               100 * t["few_shot"]["mean"].get<double>());
  }
  return result;
}

std::vector<std::string> methodsLackingClasses(const std::vector<std::string>& ids, const Config& config, const ConfigSchema& schema) {
  const std::string base = config.toToml();
  std::vector<std::string> needing;
  for (const std::string& id : ids) {
    const Config c = Config::fromToml(schema, base, "method " + id, findMethod(id)->overrides);
    const bool classes = objectiveNeedsClasses(parseObjectiveKind(c.getString("learn.objective"))) ||
                         latentViewNeedsClasses(parseLatentViewKind(c.getString("views.latent")));
    if (sourceNeedsGenerator(c) && classes) needing.push_back(id);
  }
  if (needing.empty() || readGeneratorManifest(generatorPathFromConfig(config)).value("classes", int64_t{0}) > 0) return {};
  return needing;
}

void writeFeatureMap(const Config& config, ResNetEncoder* encoder, const RealDataset& dataset, int64_t inputSize,
                     const std::filesystem::path& file) {
  const EvaluationOptions options = evaluationOptionsFromConfig(config);
  const ImageArray test = seededSubset(dataset.test, kFeatureMapImages, deriveSeed(options.limits.seed, "eval.map"));
  const torch::Tensor images = imagesToTensor(test);
  const torch::Tensor features =
      encoder ? encodeImages(*encoder, resizeAndCentreCrop(images, inputSize), options.limits.batch, selectDevice(deviceFromConfig(config)))
              : images.flatten(1);
  nlohmann::json map = principalMap(features, torch::tensor(test.labels)).toJson();
  map["images"] = test.count;
  map["class_names"] = dataset.classNames;
  writeFileAtomic(file, map.dump() + "\n");
}

nlohmann::json trainAndProbe(const Method& method, const Config& config, const ConfigSchema& schema, const std::filesystem::path& folder,
                             std::shared_ptr<Generator> generator, const RealDataset& dataset) {
  nlohmann::json result;
  std::filesystem::create_directories(folder);
  if (method.id == "pixels") {
    result = evaluateRun(config, nullptr, dataset);
    writeFeatureMap(config, nullptr, dataset, 0, folder / kFeatureMapFile);
  } else if (method.id == "random") {
    ResNetEncoder encoder = randomEncoder(config, dataset.train.channels);
    result = evaluateRun(config, &encoder, dataset, config.getInt("views.crop_size"));
    writeFeatureMap(config, &encoder, dataset, config.getInt("views.crop_size"), folder / kFeatureMapFile);
  } else {
    MetricsLog metrics(folder / "metrics.jsonl");
    const nlohmann::json training = trainEncoderRun(config, schema, folder, metrics, sourceNeedsGenerator(config) ? generator : nullptr,
                                                    sourceNeedsDataset(config) ? &dataset : nullptr, &dataset);
    ResNetEncoder encoder = loadEncoder(folder / "encoder");
    result = evaluateRun(config, &encoder, dataset, config.getInt("views.crop_size"));
    writeFeatureMap(config, &encoder, dataset, config.getInt("views.crop_size"), folder / kFeatureMapFile);
    result["training"] = training;
  }
  result["provenance"] = currentProvenance(selectDevice(deviceFromConfig(config)).str()).toJson();
  fmt::print("{:<38} linear {:.2f} %  kNN {:.2f} %  few-shot {:.2f} %\n", method.label, 100 * result["linear"]["top1"].get<double>(),
             100 * result["knn"]["top1"].get<double>(), 100 * result["few_shot"]["mean"].get<double>());
  return result;
}

}  // namespace genrep
