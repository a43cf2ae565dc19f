// genrep gan ...: train genrep's own GAN, look at a generator, measure its quality.
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/Command.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GanTrainer.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/eval/GeneratorQuality.h"
#include "genrep/gen/QualityClassifier.h"
#include "genrep/report/GeneratorSheet.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/GanKeys.h"
#include "genrep/settings/QualityKeys.h"
#include "genrep/settings/SampleKeys.h"

namespace genrep::app {
namespace {

void runTrain(CommandContext& context) {
  const Config& config = context.config;
  GanTrainingOptions options = ganOptionsFromConfig(config);
  options.settings = ganRunSettings(config, context.schema);
  options.settings.add("dist.world_size", context.ranks->worldSize(), 1);
  options.ranks = context.ranks;
  checkGanCheckpoint(context.run, options);  // before anything is loaded or printed
  const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
  GanProbe probe;
  QualityClassifier classifier;
  torch::Tensor realFeatures;  // [N, 128] of the real test split: the unconditional probe's reference
  // Rank 0 probes with the real-data classifier (it needs labels): class consistency for a
  // conditional GAN, the Fréchet distance to the real test images for an unconditional one.
  if (context.ranks->isMain() && options.evalEvery > 0 && !dataset.classNames.empty()) {
    const QualityOptions quality = qualityOptionsFromConfig(config);
    classifier = loadOrTrainQualityClassifier(dataset, quality);
    fmt::print("quality classifier  {}  val {:.4f}  test {:.4f}\n", classifier.file.string(), classifier.valAccuracy,
               classifier.testAccuracy);
    if (!options.conditional) realFeatures = classifierFeatures(classifier.net, imagesToTensor(dataset.test));
    probe = [&classifier, &realFeatures, quality, conditional = options.conditional](GanGeneratorNet& ema) {
      GanGenerator generator(ema, nlohmann::json::object());
      if (conditional) {
        return nlohmann::json{{"class_consistency", classConsistency(generator, classifier.net, quality.samples,
                                                                     quality.truncation, quality.seed)}};
      }
      return nlohmann::json{{"frechet_distance", frechetDistanceToReal(generator, classifier.net, realFeatures, quality.samples,
                                                                       quality.truncation, quality.seed)}};
    };
  }
  if (context.ranks->worldSize() > 1) {
    fmt::print("ranks    {}: {} images each{}\n", context.ranks->describe(), options.batch / context.ranks->worldSize(),
               options.syncBatchNorm ? ", synchronised batch norm" : "");
  }
  const GanTrainingResult result = trainGan(dataset, options, context.run, context.metrics, probe);
  if (!context.ranks->isMain()) return;
  std::unique_ptr<GanGenerator> generator = loadGanGenerator(result.generatorFolder);
  writeGeneratorSheet(*generator, result.generatorFolder / "samples.png", sheetOptionsFromConfig(config));
  fmt::print("trained  {} steps in {:.0f} s of training  (D step {:.0f} img/s, G step {:.0f} img/s)\n", result.steps,
             result.trainSeconds, result.dImagesPerSecond, result.gImagesPerSecond);
  fmt::print("wrote    {}  ({})\n", result.generatorFolder.string(), generator->info().description);
}

void runSample(CommandContext& context) {
  std::unique_ptr<Generator> generator = loadGenerator(generatorPathFromConfig(context.config));
  const std::filesystem::path file = context.run.file("samples.png");
  writeGeneratorSheet(*generator, file, sheetOptionsFromConfig(context.config));
  fmt::print("generator  {}  {}\nwrote      {}\n", generatorPathFromConfig(context.config), generator->info().description,
             file.string());
}

void runEval(CommandContext& context) {
  const Config& config = context.config;
  const QualityOptions options = qualityOptionsFromConfig(config);  // checked before anything is loaded
  const std::filesystem::path folder = generatorPathFromConfig(config);
  std::unique_ptr<Generator> generator = loadGenerator(folder);
  const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
  QualityClassifier classifier = loadOrTrainQualityClassifier(dataset, options);
  nlohmann::json report = measureGeneratorQuality(*generator, dataset, classifier, options);
  report["generator_folder"] = folder.string();
  report["dataset"] = {{"format", dataset.format}, {"source", dataset.source}};
  report["settings"] = config.toJson();

  const auto percent = [](const nlohmann::json& value) {
    return value.is_null() ? std::string("n/a (unconditional)") : fmt::format("{:.2f} %", 100 * value.get<double>());
  };
  fmt::print("generator           {}  {}\n", folder.string(), generator->info().description);
  fmt::print("real classifier     test {:.2f} %  val {:.2f} %  ({})\n", 100 * classifier.testAccuracy,
             100 * classifier.valAccuracy, classifier.file.string());
  fmt::print("class consistency   {}  ({} samples, truncation {})\n", percent(report["class_consistency"]), options.samples,
             options.truncation);
  fmt::print("Frechet distance    {:.3f}  (floor, real train vs real test: {:.3f})\n", report["frechet_distance"].get<double>(),
             report["frechet_distance_floor"].get<double>());
  fmt::print("precision / recall  {:.3f} / {:.3f}  (k {}; floor, real train vs real test: {:.3f} / {:.3f})\n",
             report["precision"].get<double>(), report["recall"].get<double>(), report["precision_recall_k"].get<int64_t>(),
             report["precision_recall_floor"]["precision"].get<double>(), report["precision_recall_floor"]["recall"].get<double>());
  fmt::print("class coverage      {:.3f}  (exp(entropy) / classes of the real classifier's predictions; rarest class {:.2f} of "
             "a uniform share)\n",
             report["class_coverage"].get<double>(), report["rarest_class_share"].get<double>());
  if (report.contains("neighbour_class_change")) {
    const nlohmann::json& change = report["neighbour_class_change"];
    std::string shares;
    for (const nlohmann::json& row : change["gaussian"]) {
      shares += fmt::format("sigma {} {:.1f} %, ", row["sigma"].get<double>(), 100 * row["changed"].get<double>());
    }
    fmt::print("neighbour changes   {}independent {:.1f} %  (the real classifier's class of anchor vs gaussian neighbour, {} "
               "pairs)\n",
               shares, 100 * change["independent"]["changed"].get<double>(), change["pairs"].get<int64_t>());
  }
  fmt::print("TSTR accuracy       {}  ({} synthetic training images, {} epochs)\n", percent(report["tstr_accuracy"]),
             options.tstrSamples, options.classifier.epochs);
  writeFileAtomic(context.run.file("quality.json"), report.dump(2) + "\n");
  context.metrics.write({{"event", "gan_eval"},
                         {"class_consistency", report["class_consistency"]},
                         {"frechet_distance", report["frechet_distance"]},
                         {"precision", report["precision"]},
                         {"recall", report["recall"]},
                         {"class_coverage", report["class_coverage"]},
                         {"tstr_accuracy", report["tstr_accuracy"]}});
  if (config.getBool("quality.save_in_generator")) writeFileAtomic(folder / "quality.json", report.dump(2) + "\n");
  fmt::print("wrote               {}\n", context.run.file("quality.json").string());
}

}  // namespace

std::vector<CommandSpec> ganCommands() {
  const std::vector<FlagAlias> dataFlags = datasetFlags();
  std::vector<FlagAlias> trainFlags = dataFlags;
  trainFlags.push_back({"--steps", "gan.steps"});
  trainFlags.push_back({"--out", "gan.out"});
  std::vector<FlagAlias> evalFlags = dataFlags;
  evalFlags.push_back(generatorFlag());
  evalFlags.push_back({"--save-in-generator", "quality.save_in_generator", true});
  CommandSpec train{{"gan", "train"},
                    "train genrep's own GAN on a real dataset (writes a generator folder; resumes from the run's checkpoint)",
                    [](ConfigSchema& schema) {
                      addDatasetKeys(schema);
                      addGanTrainingKeys(schema);
                      addQualityKeys(schema);
                      addSampleKeys(schema);
                    },
                    trainFlags, runTrain, "", /*dataParallel=*/true};
  // The settings are checked before the run folder is made: a continued run's config stays.
  train.beforeRun = [](const Config& config, const ConfigSchema&) {
    ganOptionsFromConfig(config);
    qualityOptionsFromConfig(config);
    return false;
  };
  return {
      std::move(train),
      {{"gan", "sample"},
       "a PNG grid of a generator's samples (one row per class when conditional)",
       [](ConfigSchema& schema) {
         addGeneratorKeys(schema);
         addSampleKeys(schema);
       },
       {generatorFlag()}, runSample},
      {{"gan", "eval"},
       "generator quality on real data: class consistency, Frechet distance, train-on-synthetic/test-on-real",
       [](ConfigSchema& schema) {
         addGeneratorKeys(schema);
         addDatasetKeys(schema);
         addQualityKeys(schema);
         schema.addBool("quality.save_in_generator", false, "also write quality.json into the generator folder").role(KeyRole::Operational);
       },
       evalFlags, runEval},
  };
}

}  // namespace genrep::app
