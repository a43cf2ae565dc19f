#pragma once
// steer.*: how the steering walks are learned (`genrep steer train`, and the walks a study or the
// demo learns once for its steering points), bound over WalkTrainingOptions and the edits'
// ranges, whose defaults are the edit table's (steer/PixelEdit.h). Every key's role is
// KeyRole::Walks: it decides the walks, which a run names by folder.
//
//   addSteerKeys(schema);
//   WalkTrainingOptions o = walkTrainingOptionsFromConfig(config, generator.info().channels);
#include <cstdint>

#include "genrep/core/Config.h"
#include "genrep/steer/WalkTrainer.h"

namespace genrep {

void addSteerKeys(ConfigSchema& schema);

// The options with the edits (steer.edits; empty = every edit `channels`-channel images allow)
// and their ranges, and run.seed. std::invalid_argument naming the key.
WalkTrainingOptions walkTrainingOptionsFromConfig(const Config& config, int64_t channels);

}  // namespace genrep
