#pragma once
// One encoder's run, as `genrep train`, `genrep eval`, `genrep demo` and every study point make
// it: an encoder trained from a resolved config into a folder (resuming its checkpoint), probed
// on the real dataset (and a second probe dataset, eval.format), and one method of the method
// table (study/MethodTable.h) as such a run or as a baseline. The commands and the studies call
// exactly these.
//
//   nlohmann::json r = trainAndProbe(*findMethod("simclr-gaussian"), config, schema, "runs/x", generator, dataset);
//   r["linear"]["top1"], r["training"]["views_per_second"]
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/core/Config.h"
#include "genrep/core/MetricsLog.h"
#include "genrep/data/RealDataset.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/gen/Generator.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/study/MethodTable.h"

namespace genrep {

std::shared_ptr<Generator> openGenerator(const Config& config);  // gen.path
bool sourceNeedsGenerator(const Config& config);
bool sourceNeedsDataset(const Config& config);

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

}  // namespace genrep
