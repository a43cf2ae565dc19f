#pragma once
// The steps that `genrep train`, `genrep eval` and `genrep demo` share: train an encoder
// from a resolved config into a folder (resuming its checkpoint), and evaluate an encoder
// or a baseline on the real dataset. The demo calls exactly what the commands call.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/Command.h"
#include "genrep/data/RealDataset.h"
#include "genrep/gen/Generator.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/study/MethodTable.h"

namespace genrep::app {

// Keys of `genrep train` (data, gen, source, views, encoder, learn, run.device).
void addTrainKeys(ConfigSchema& schema);
// Keys of the probes (eval.*) and run.device.
void addEvalKeys(ConfigSchema& schema);

std::shared_ptr<Generator> openGenerator(const Config& config);  // gen.path
bool sourceNeedsGenerator(const Config& config);
bool sourceNeedsDataset(const Config& config);

// Reads every setting a training run uses into the options it fills, so that a bad value stops
// the command before its run folder exists (std::invalid_argument naming the key). Returns
// false: it only checks (a CommandSpec::beforeRun).
bool checkTrainSettings(const Config& config, const ConfigSchema& schema);

// Trains the encoder the config describes: checkpoint in folder/checkpoint.pt, the encoder
// in folder/encoder (weights + manifest). Returns the training record (also in the manifest).
// `schema` is the one `config` was resolved against (defaults of keys newer than a checkpoint).
// `dataset`: what the view source reads (null when it reads none); `monitorData`: the labelled
// images of the online monitor (learn.monitor_every; null or unfit: none, said in one line).
// `ranks`: this process's data-parallel rank (null: one process); rank 0 writes the encoder.
nlohmann::json trainEncoderRun(const Config& config, const ConfigSchema& schema, const std::filesystem::path& folder,
                               MetricsLog& metrics, std::shared_ptr<Generator> generator, const RealDataset* dataset,
                               const RealDataset* monitorData, std::shared_ptr<DataParallel> ranks = nullptr);
// Why `data` cannot feed the online monitor of views with `viewChannels`; empty when it can.
std::string monitorRefusal(const RealDataset* data, int64_t viewChannels);

// Every probe on the real dataset for an encoder, or for the raw pixels when `encoder` is null;
// with a second probe dataset (eval.format, settings/DataKeys.h) its probes too, as "transfer".
// `inputSize`: the side the encoder trained on (views.crop_size; 0 = the images' own): real
// images of another size are resized and centre-cropped to it (eval/FeatureSet.h).
nlohmann::json evaluateRun(const Config& config, ResNetEncoder* encoder, const RealDataset& dataset, int64_t inputSize = 0);
// An encoder with the initial weights a training run of this config starts from.
ResNetEncoder randomEncoder(const Config& config, int64_t channels);

// The methods of `ids` that need the generator's classes (SupCon and the classifier on
// generated views, independent latent views: a fresh z of the anchor's class) when the
// config's generator (gen.path) has none; empty otherwise.
std::vector<std::string> methodsLackingClasses(const std::vector<std::string>& ids, const Config& config, const ConfigSchema& schema);
// The line that says which of them were left out ("" when none).
std::string leftOutLine(const std::vector<std::string>& leftOut);
// Those rows (summariseOverSeeds, eval/SeedSummary.h) as Markdown: method | linear | kNN |
// few-shot | views/s. `several`: linear and kNN with their spread over seeds.
std::string methodTableMarkdown(const nlohmann::json& rows, bool several, int64_t fewShotPerClass);

// The 2-D principal map (eval/FeatureMap.h) of kFeatureMapImages seeded test images' features,
// the encoder's or the raw pixels' (null), written to `file` for the report's scatter by class.
inline constexpr int64_t kFeatureMapImages = 1000;
inline constexpr const char* kFeatureMapFile = "map.json";
void writeFeatureMap(const Config& config, ResNetEncoder* encoder, const RealDataset& dataset, int64_t inputSize,
                     const std::filesystem::path& file);

// One method as a sub-run in `folder`: the raw-pixel or random-encoder baseline, or an encoder
// trained (resuming) from `config` and probed, and its feature map (map.json). Prints one line
// of its probes.
nlohmann::json trainAndProbe(const Method& method, const Config& config, const ConfigSchema& schema, const std::filesystem::path& folder,
                             std::shared_ptr<Generator> generator, const RealDataset& dataset);

// A table cell of a summariseOverSeeds row (eval/SeedSummary.h): probe's mean in percent,
// with "± spread" when `withSpread`.
std::string percentCell(const nlohmann::json& row, const char* probe, bool withSpread);

// Rewrites <folder>/report.html (genrep report) after a demo's or study's results changed; a
// failure is one warning line, never the end of the run.
void refreshReport(const std::filesystem::path& folder);

// The flags of the commands that train and probe many encoders (demo, experiment): the dataset,
// --generator, --steps, --batch, --device, and --seeds for `seedsKey`.
std::vector<FlagAlias> tableFlags(const std::string& seedsKey);

CommandSpec demoCommand();
CommandSpec experimentCommand();

// Keys of `genrep steer train` (steer.*).
void addSteerKeys(ConfigSchema& schema);
// Learns walks for the generator into `folder` (walks.json); returns the per-edit report.
// `ranks`: this process's data-parallel rank (null: one process); rank 0 writes and prints.
nlohmann::json trainWalksRun(const Config& config, std::shared_ptr<Generator> generator, const std::filesystem::path& folder,
                             MetricsLog& metrics, std::shared_ptr<DataParallel> ranks = nullptr);
// The walks every seed's steering encoder of a method table uses: learned once (with the
// config's seed) into `folder`, reused when it holds walks for the same generator, seed and
// steer.* settings; a folder learned with other ones is refused (std::invalid_argument).
// Returns `folder`.
std::filesystem::path learnWalksOnce(const Config& config, std::shared_ptr<Generator> generator, const std::filesystem::path& folder);

}  // namespace genrep::app
