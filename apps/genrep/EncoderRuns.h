#pragma once
// What the commands that train and probe encoders share (train, eval, demo, experiment): their
// keys, the settings check before a run folder exists, the report refresh and the flags of the
// method tables. The runs themselves are the library's (study/EncoderRun.h).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genrep/Command.h"
#include "genrep/data/RealDataset.h"
#include "genrep/gen/Generator.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/settings/SteerKeys.h"
#include "genrep/study/EncoderRun.h"
#include "genrep/study/MethodTable.h"

namespace genrep::app {

// Keys of `genrep train` (data, gen, source, views, encoder, learn, run.device).
void addTrainKeys(ConfigSchema& schema);
// Keys of the probes (eval.*) and run.device.
void addEvalKeys(ConfigSchema& schema);

// Reads every setting a training run uses into the options it fills, so that a bad value stops
// the command before its run folder exists (std::invalid_argument naming the key). Returns
// false: it only checks (a CommandSpec::beforeRun).
bool checkTrainSettings(const Config& config, const ConfigSchema& schema);

// Rewrites <folder>/report.html (genrep report) after a demo's or study's results changed; a
// failure is one warning line, never the end of the run.
void refreshReport(const std::filesystem::path& folder);

// The flags of the commands that train and probe many encoders (demo, experiment): the dataset,
// --generator, --steps, --batch, --device, and --seeds for `seedsKey`.
std::vector<FlagAlias> tableFlags(const std::string& seedsKey);

CommandSpec demoCommand();
CommandSpec experimentCommand();

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
