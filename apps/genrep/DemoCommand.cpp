// genrep demo: the README's main job. From the shipped generator it trains one encoder per
// method with the same budget (steps x batch), evaluates them and the baselines on the real
// dataset, and prints one table, saved as Markdown and JSON. Its run folder (runs/demo by
// default) keeps every sub-run: run again, finished ones are reused; interrupted, a
// training run resumes from its checkpoint.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "EncoderRuns.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/SubRunner.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/eval/SeedSummary.h"
#include "genrep/learn/EncoderFile.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/study/StudyDefinition.h"

namespace genrep::app {
namespace {

// The demo's rows (demoMethodIds) less those that learn from the generator's classes when it
// has none (an unconditional generator), which it names.
std::vector<Method> demoMethods(const Config& config, const ConfigSchema& schema) {
  const std::vector<std::string> lacking = methodsLackingClasses(demoMethodIds(), config, schema);
  fmt::print("{}", leftOutLine(lacking));
  std::vector<Method> methods;
  for (const std::string& id : demoMethodIds()) {
    if (std::find(lacking.begin(), lacking.end(), id) == lacking.end()) methods.push_back(*findMethod(id));
  }
  return methods;
}

// --quick: the same table in about 2 minutes on 2 cores (docs/demo.md has the measurements).
std::vector<std::string> quickPreset() {
  return {"run.name=demo-quick",  "learn.steps=60",        "learn.batch=128",     "eval.fit_images=10000", "eval.test_images=5000",
          "eval.linear_epochs=10", "eval.few_shot_steps=200", "steer.steps=60"};
}

// One method at one seed, as a sub-run of the demo: train (resuming) and evaluate, or reuse
// the stored result (core/SubRunner.h).
nlohmann::json runMethod(const Method& method, const Config& config, const std::filesystem::path& folder,
                         std::shared_ptr<Generator> generator, const RealDataset& dataset, const SubRunner& runner,
                         const ConfigSchema& schema) {
  return runner.run({method.id, method.label, folder}, config, [&](const Config& c, const std::filesystem::path& f) {
    return trainAndProbe(method, c, schema, f, generator, dataset);
  });
}

// The table over the seeds finished so far: spread over seeds when there are several, over
// the few-shot draws otherwise. Markdown + JSON in the demo folder.
void writeDemoTable(CommandContext& context, const std::vector<Method>& methods,
                    const std::vector<std::vector<nlohmann::json>>& results, const nlohmann::json& quality, bool partial) {
  const Config& config = context.config;
  const auto seeds = static_cast<int64_t>(results.front().size());
  const auto firstSeed = static_cast<int64_t>(runOptionsFromConfig(config).seed);
  nlohmann::json rows = nlohmann::json::array();
  for (size_t m = 0; m < methods.size(); ++m) rows.push_back(summariseOverSeeds(methods[m].id, methods[m].label, results[m], firstSeed));

  const bool several = seeds > 1;
  const std::string table = methodTableMarkdown(rows, several, config.getInt("eval.few_shot_per_class"));
  std::string header = fmt::format(
      "genrep demo{}: {} seed(s) from {}{}; every encoder: {} steps x {} anchors x {} views, {}\n", config.getBool("demo.quick") ? " --quick" : "",
      seeds, firstSeed, partial ? fmt::format(" (of {} asked)", config.getInt("demo.seeds")) : "", config.getInt("learn.steps"),
      config.getInt("learn.batch"), config.getInt("views.count"), encoderArchFromConfig(config, 1).describe());
  if (!quality.is_null()) {
    header += fmt::format("generator {}: class consistency {:.2f} %, Frechet distance {:.1f} (floor {:.2f}), TSTR {:.2f} %\n",
                          generatorPathFromConfig(config), 100 * quality.value("class_consistency", 0.0),
                          quality.value("frechet_distance", 0.0), quality.value("frechet_distance_floor", 0.0),
                          100 * quality.value("tstr_accuracy", 0.0));
  }
  header += several ? "± is the spread (standard deviation) over seeds; few-shot with one seed: over its draws\n"
                    : "few-shot ± is the spread over its draws; run --seeds 3 for spreads over seeds\n";
  fmt::print("\n{}\n{}", header, table);
  writeFileAtomic(context.run.file("table.md"), header + "\n" + table);
  writeFileAtomic(context.run.file("results.json"),
                  nlohmann::json{{"rows", rows}, {"seeds", seeds}, {"first_seed", firstSeed}, {"generator_quality", quality},
                                 {"cpu", hostCpu().toJson()}, {"settings", config.toJson()}}
                          .dump(2) +
                      "\n");
  fmt::print("\nwrote {} and {}\n", context.run.file("table.md").string(), context.run.file("results.json").string());
  refreshReport(context.run.path());
  std::fflush(stdout);
}

void runDemo(CommandContext& context) {
  const Config& config = context.config;
  const int64_t seeds = config.getInt("demo.seeds");
  if (seeds < 1) throw std::invalid_argument("demo.seeds must be >= 1");
  const auto firstSeed = static_cast<int64_t>(runOptionsFromConfig(config).seed);
  std::shared_ptr<Generator> generator = openGenerator(config);
  const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
  const ConfigSchema& schema = context.schema;

  nlohmann::json quality;
  const std::filesystem::path qualityFile = std::filesystem::path(generatorPathFromConfig(config)) / "quality.json";
  std::error_code ec;
  if (std::filesystem::exists(qualityFile, ec)) quality = readJsonFile(qualityFile);

  // Seed by seed, so an interrupted demo leaves complete tables for the seeds it finished.
  const std::vector<Method> methods = demoMethods(config, schema);
  std::vector<std::vector<nlohmann::json>> results(methods.size());  // [method][seed]
  const std::string demoToml = config.toToml();
  const std::filesystem::path walks = learnWalksOnce(config, generator, context.run.path() / "walks");
  const SubRunner runner(schema, {KeyRole::Decides, KeyRole::Measures, KeyRole::Walks});
  for (int64_t s = 0; s < seeds; ++s) {
    for (size_t m = 0; m < methods.size(); ++m) {
      std::vector<std::string> overrides = methods[m].overrides;
      if (methods[m].id == "simclr-steering") overrides.push_back("views.walks=" + walks.string());
      overrides.push_back(fmt::format("run.seed={}", firstSeed + s));
      const Config methodConfig = Config::fromToml(schema, demoToml, "demo", overrides);
      results[m].push_back(runMethod(methods[m], methodConfig,
                                     context.run.path() / fmt::format("seed-{}", firstSeed + s) / methods[m].id, generator, dataset,
                                     runner, schema));
    }
    writeDemoTable(context, methods, results, quality, s + 1 < seeds);
  }
}

}  // namespace

CommandSpec demoCommand() {
  std::vector<FlagAlias> flags = tableFlags("demo.seeds");
  flags.push_back({"--quick", "demo.quick", true, quickPreset()});
  CommandSpec spec{{"demo"},
                   "the main job: encoders from the shipped generator by every method, the real-data and raw baselines, one table",
                   [](ConfigSchema& schema) {
                     addTrainKeys(schema);
                     addEvalKeys(schema);
                     addSteerKeys(schema);
                     schema.addInt("demo.seeds", 1, "seeds per method").role(KeyRole::Chooses);
                     schema.addBool("demo.quick", false, "the same table in a few minutes (rough numbers)").role(KeyRole::Chooses);
                     // The demo's budget: about 20 minutes per seed on 2 cores (docs/demo.md).
                     schema.setDefault("learn.steps", int64_t{400});
                     schema.setDefault("learn.batch", int64_t{256});
                   },
                   flags, runDemo};
  spec.defaultRunName = "demo";
  spec.beforeRun = checkTrainSettings;  // the settings every method shares, before the folder is made
  return spec;
}

}  // namespace genrep::app
