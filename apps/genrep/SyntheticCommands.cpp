// genrep generate / views: offline synthetic datasets and view panels from any generator.
#include <stdexcept>

#include <fmt/format.h>

#include "EncoderRuns.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/core/Progress.h"
#include "genrep/core/TextList.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/report/ViewPanel.h"
#include "genrep/runtime/Device.h"
#include "genrep/views/LatentView.h"
#include "genrep/views/OfflineDataset.h"
#include "genrep/settings/GenerateKeys.h"
#include "genrep/settings/PanelKeys.h"
#include "genrep/settings/ViewKeys.h"

namespace genrep::app {
namespace {

void runGenerate(CommandContext& context) {
  const Config& config = context.config;
  const std::string generatorPath = generatorPathFromConfig(config);
  std::unique_ptr<Generator> generator = loadGenerator(generatorPath);
  const OfflineDatasetOptions options = offlineDatasetOptionsFromConfig(config);
  const std::filesystem::path out = generateFolderFromConfig(config);
  const std::filesystem::path folder = out.empty() ? context.run.path() : out;
  const torch::Device device = selectDevice(deviceFromConfig(config));
  options.validate();  // before anything is printed or written

  const GeneratorInfo& info = generator->info();
  fmt::print("generator  {}  {}\n", generatorPath, info.description);
  fmt::print("dataset    {} anchors{} x (1 + {} neighbours, latent view {}), {} per shard -> {}\n",
             options.anchorsPerClass, info.classes > 0 ? fmt::format(" per class x {} classes", info.classes) : std::string(),
             options.pool, latentViewName(options.latent.kind), options.shardAnchors, folder.string());
  std::unique_ptr<Progress> progress;
  const OfflineDatasetReport report = writeOfflineDataset(
      *generator, folder, options, {{"path", generatorPath}, {"description", info.description}}, device,
      [&progress](int64_t done, int64_t total) {
        if (!progress) progress = std::make_unique<Progress>("generate", total, "shard");
        progress->advance();
        (void)done;
      });
  if (progress) progress->finish();
  fmt::print("shards     {} written now, {} there already ({} anchors)\n", report.shardsWritten,
             report.shards - report.shardsWritten, report.anchors);
  if (report.images > 0) {
    fmt::print("throughput {:.0f} images/s written, generator forward alone {:.0f} images/s ({:.1f} %)\n",
               report.imagesPerSecond(), report.generatorImagesPerSecond(),
               100.0 * report.imagesPerSecond() / report.generatorImagesPerSecond());
  }
  context.metrics.write({{"event", "generate"},
                         {"shards_written", report.shardsWritten},
                         {"images", report.images},
                         {"seconds", report.seconds},
                         {"images_per_second", report.imagesPerSecond()},
                         {"generator_images_per_second", report.generatorImagesPerSecond()}});
  fmt::print("wrote      {}  (train on it: genrep train --set source.kind=shards --set source.path={})\n",
             (folder / "dataset.json").string(), folder.string());
}

void runViews(CommandContext& context) {
  const Config& config = context.config;
  std::unique_ptr<Generator> generator = loadGenerator(generatorPathFromConfig(config));
  const ViewPanelOptions options = viewPanelOptionsFromConfig(config);
  const std::filesystem::path file = context.run.file("views.png");
  nlohmann::json layout = writeViewPanel(*generator, file, options);
  layout["generator"] = generatorPathFromConfig(config);
  writeFileAtomic(context.run.file("views.json"), layout.dump(2) + "\n");
  std::string columns;
  for (const auto& group : layout["groups"]) {
    columns += fmt::format("{}{} ({})", columns.empty() ? "" : " | ", group["view"].get<std::string>(), group["columns"].get<int64_t>());
  }
  fmt::print("generator  {}  {}\ncolumns    {}\nwrote      {}  ({} rows; layout in views.json)\n", generatorPathFromConfig(config),
             generator->info().description, columns, file.string(), options.anchors);
}

}  // namespace

std::vector<CommandSpec> syntheticCommands() {
  const std::vector<FlagAlias> generateFlags = {
      generatorFlag(),
      {"--anchors", "generate.anchors"},
      {"--pool", "generate.pool"},
      {"--latent-view", "views.latent"},
      {"--walks", "views.walks"},
      {"--sigma", "views.sigma"},
      {"--out", "generate.out"},
      deviceFlag()};
  return {
      {{"generate"},
       "write an offline synthetic dataset: M anchors (per class), each with K neighbours, as shards (resumable)",
       [](ConfigSchema& schema) {
         addGeneratorKeys(schema);
         addDeviceKey(schema);
         addGenerateKeys(schema);
       },
       generateFlags, runGenerate},
      {{"views"},
       "a PNG panel of latent views: one row per anchor, gaussian neighbours at several sigma, independent, steering",
       [](ConfigSchema& schema) {
         addGeneratorKeys(schema);
         addPanelKeys(schema);
       },
       {generatorFlag(),
        {"--anchors", "panel.anchors"},
        {"--sigmas", "panel.sigmas"},
        {"--walks", "panel.walks"}},
       runViews},
  };
}

}  // namespace genrep::app
