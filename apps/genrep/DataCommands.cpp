// genrep data ...: look at real datasets.
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/Command.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/data/DatasetStats.h"
#include "genrep/report/ImageGrid.h"
#include "genrep/settings/DataKeys.h"

namespace genrep::app {
namespace {

// One row per class with the first `perClass` training images of it; an unlabelled set
// fills rows of `perClass` in file order.
std::vector<int64_t> sampleSheetIndices(const RealDataset& dataset, int64_t perClass) {
  const ImageArray& train = dataset.train;
  if (dataset.classNames.empty()) {
    std::vector<int64_t> indices;
    for (int64_t i = 0; i < std::min<int64_t>(train.count, perClass * 8); ++i) indices.push_back(i);
    return indices;
  }
  const auto classes = static_cast<int64_t>(dataset.classNames.size());
  std::vector<int64_t> indices(static_cast<size_t>(classes * perClass), -1);
  std::vector<int64_t> filled(static_cast<size_t>(classes), 0);
  for (int64_t i = 0; i < train.count; ++i) {
    const int64_t label = train.labels[static_cast<size_t>(i)];
    if (filled[static_cast<size_t>(label)] < perClass) {
      indices[static_cast<size_t>(label * perClass + filled[static_cast<size_t>(label)]++)] = i;
    }
  }
  return indices;
}

std::string formatChannels(const std::vector<double>& values) {
  return fmt::format("{:.4f}", fmt::join(values, "/"));
}

void runInfo(CommandContext& context) {
  const Config& config = context.config;
  const int64_t perClass = config.getInt("info.per_class");
  if (perClass < 1 || perClass > 64) {
    throw std::invalid_argument(fmt::format("info.per_class is {}; use 1 to 64 images per class", perClass));
  }
  const auto start = std::chrono::steady_clock::now();
  const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
  const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json summary = datasetSummary(dataset);
  summary["load_seconds"] = loadSeconds;

  const ImageArray& train = dataset.train;
  fmt::print("dataset  {}  {}\n", dataset.format, dataset.source);
  fmt::print("images   {}x{}x{} uint8 [C, H, W], {}\n", train.channels, train.height, train.width,
             dataset.classNames.empty() ? std::string("unlabelled") : fmt::format("{} classes", dataset.classNames.size()));
  fmt::print("splits   train {} + val {} ({:.0f}% per class, data.split_seed {}) = {}; test {}\n", dataset.split.kept.size(),
             dataset.split.held.size(), 100 * dataset.valFraction, dataset.splitSeed, train.count, dataset.test.count);
  for (const char* split : {"train", "test"}) {
    const auto& stats = summary["pixels"][split];
    fmt::print("pixels   {:<5}  mean {}  std {}  min {}  max {}  (uint8/255)\n", split,
               formatChannels(stats["mean"].get<std::vector<double>>()),
               formatChannels(stats["std"].get<std::vector<double>>()), fmt::join(stats["min"].get<std::vector<int>>(), "/"),
               fmt::join(stats["max"].get<std::vector<int>>(), "/"));
  }
  if (!dataset.classNames.empty()) {
    fmt::print("{:>5}  {:<20} {:>7} {:>7} {:>7}\n", "class", "name", "train", "val", "test");
    for (const auto& row : summary["classes"]) {
      fmt::print("{:>5}  {:<20} {:>7} {:>7} {:>7}\n", row["index"].get<int64_t>(), row["name"].get<std::string>(),
                 row["train"].get<int64_t>(), row["val"].get<int64_t>(), row["test"].get<int64_t>());
    }
  }

  GridStyle style;
  style.scale = train.height <= 32 ? 2 : 1;
  writeImageGrid(context.run.file("samples.png"), train, sampleSheetIndices(dataset, perClass), perClass, style);
  writeFileAtomic(context.run.file("info.json"), summary.dump(2) + "\n");
  context.metrics.write({{"event", "data_info"},
                         {"train", dataset.split.kept.size()},
                         {"val", dataset.split.held.size()},
                         {"test", dataset.test.count},
                         {"load_seconds", loadSeconds}});
  fmt::print("wrote    {}  {}\n", context.run.file("info.json").string(), context.run.file("samples.png").string());
}

}  // namespace

std::vector<CommandSpec> dataCommands() {
  std::vector<FlagAlias> infoFlags = datasetFlags();
  infoFlags.push_back({"--per-class", "info.per_class"});
  return {
      {{"data", "info"},
       "what a real dataset holds: counts, shape, classes, pixel statistics, splits (writes info.json, samples.png)",
       [](ConfigSchema& schema) {
         addDatasetKeys(schema);
         schema.addInt("info.per_class", 8, "images per class in samples.png");
       },
       infoFlags,
       runInfo},
  };
}

}  // namespace genrep::app
