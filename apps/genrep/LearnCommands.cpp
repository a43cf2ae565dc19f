// genrep train / eval / demo: learn an encoder from views, measure it on real images.
#include <stdexcept>

#include <fmt/format.h>

#include "EncoderRuns.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/learn/EncoderFile.h"
#include "genrep/learn/Objective.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/views/LatentView.h"
#include "genrep/views/ViewSourceOptions.h"

namespace genrep::app {
namespace {

void printEvaluation(const std::string& what, const nlohmann::json& r) {
  fmt::print("{}\n  linear   top-1 {:.2f} %  (weight decay {} picked on validation, {} epochs)\n", what,
             100 * r["linear"]["top1"].get<double>(), r["linear"]["weight_decay"].get<double>(), r["linear"]["epochs"].get<int64_t>());
  fmt::print("  kNN      top-1 {:.2f} %  (k {}, T {})\n", 100 * r["knn"]["top1"].get<double>(), r["knn"]["k"].get<int64_t>(),
             r["knn"]["temperature"].get<double>());
  fmt::print("  few-shot top-1 {:.2f} +- {:.2f} %  ({} labels per class, {} draws)\n", 100 * r["few_shot"]["mean"].get<double>(),
             100 * r["few_shot"]["spread"].get<double>(), r["few_shot"]["per_class"].get<int64_t>(),
             r["few_shot"]["per_draw"].size());
  fmt::print("  ({} features; fit {} / val {} / test {} real images; {:.1f} s features, {:.1f} s probes)\n",
             r["feature_dim"].get<int64_t>(), r["fit_images"].get<int64_t>(), r["val_images"].get<int64_t>(),
             r["test_images"].get<int64_t>(), r["extract_seconds"].get<double>(), r["probe_seconds"].get<double>());
}

void runTrain(CommandContext& context) {
  const Config& config = context.config;
  std::shared_ptr<Generator> generator = sourceNeedsGenerator(config) ? openGenerator(config) : nullptr;
  std::unique_ptr<RealDataset> dataset;
  if (sourceNeedsDataset(config)) {
    dataset = std::make_unique<RealDataset>(openDataset(datasetSpecFromConfig(config)));
  } else if (config.getInt("learn.monitor_every") > 0 && context.ranks->isMain()) {
    try {  // only the monitor would read it: without it the run trains all the same
      dataset = std::make_unique<RealDataset>(openDataset(datasetSpecFromConfig(config)));
    } catch (const std::exception& error) {
      fmt::print("data       not opened: {}\n", error.what());  // the monitor's own line follows: off
    }
  }
  const RealDataset* viewData = sourceNeedsDataset(config) ? dataset.get() : nullptr;
  trainEncoderRun(config, context.schema, context.run.path(), context.metrics, generator, viewData, dataset.get(), context.ranks);
  if (context.ranks->isMain()) fmt::print("wrote      {}\n", context.run.file("encoder").string());
}

void runEval(CommandContext& context) {
  const Config& config = context.config;
  const std::string encoderPath = config.getString("eval.encoder");
  const std::string baseline = config.getString("eval.baseline");
  if (encoderPath.empty() == (baseline == "none")) {
    throw std::invalid_argument("genrep eval: give either --encoder FOLDER or --baseline pixels|random");
  }
  const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
  nlohmann::json result;
  std::string what;
  if (!encoderPath.empty()) {
    ResNetEncoder encoder = loadEncoder(encoderPath);
    what = fmt::format("encoder {}", encoderPath);
    const nlohmann::json manifest = readEncoderManifest(encoderPath);
    // The crop size it trained on (encoders from before crop_size was recorded: their images' own).
    const int64_t cropSize = manifest.contains("training") ? manifest["training"].value("crop_size", int64_t{0}) : 0;
    result = evaluateRun(config, &encoder, dataset, cropSize);
    result["encoder"] = manifest;
  } else if (baseline == "pixels") {
    what = "raw pixels";
    result = evaluateRun(config, nullptr, dataset);
  } else {
    ResNetEncoder encoder = randomEncoder(config, dataset.train.channels);
    what = fmt::format("random encoder (seed {})", static_cast<int64_t>(runOptionsFromConfig(config).seed));
    result = evaluateRun(config, &encoder, dataset);
  }
  result["evaluated"] = what;
  result["settings"] = config.toJson();
  printEvaluation(what, result);
  writeFileAtomic(context.run.file("eval.json"), result.dump(2) + "\n");
  context.metrics.write({{"event", "eval"},
                         {"linear_top1", result["linear"]["top1"]},
                         {"knn_top1", result["knn"]["top1"]},
                         {"few_shot_mean", result["few_shot"]["mean"]}});
  fmt::print("wrote {}\n", context.run.file("eval.json").string());
}

}  // namespace

std::vector<CommandSpec> learnCommands() {
  std::vector<FlagAlias> trainFlags = datasetFlags();
  trainFlags.insert(trainFlags.end(), {generatorFlag(),
                                       {"--source", "source.kind"},
                                       {"--objective", "learn.objective"},
                                       {"--latent-view", "views.latent"},
                                       {"--walks", "views.walks"},
                                       {"--steps", "learn.steps"},
                                       {"--batch", "learn.batch"},
                                       deviceFlag()});
  std::vector<FlagAlias> evalFlags = datasetFlags();
  evalFlags.insert(evalFlags.end(), {{"--encoder", "eval.encoder"},
                                     {"--baseline", "eval.baseline"},
                                     deviceFlag()});
  CommandSpec train{{"train"},
                    "train an encoder on views from a generator, real images or a mix (resumes from the run's checkpoint)",
                    addTrainKeys,
                    trainFlags,
                    runTrain,
                    "",
                    /*dataParallel=*/true};
  train.beforeRun = checkTrainSettings;
  return {
      train,
      {{"eval"},
       "linear probe, kNN and few-shot probe of an encoder (or a baseline) on real labelled images",
       [](ConfigSchema& schema) {
         addDatasetKeys(schema);
         addEncoderKeys(schema);
         addEvalKeys(schema);
         schema.addString("eval.encoder", "", "encoder folder to evaluate").role(KeyRole::Measures);
         schema.addString("eval.baseline", "none", "evaluate a baseline instead of an encoder", {"none", "pixels", "random"}).role(KeyRole::Measures);
       },
       evalFlags, runEval},
      demoCommand(),
      experimentCommand(),
  };
}

}  // namespace genrep::app
