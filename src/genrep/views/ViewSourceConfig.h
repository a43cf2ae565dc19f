#pragma once
// The config keys of the view sources and the one place that builds a source from them:
//   source.kind    generator | real | mix | shards    source.share  synthetic share of a mix
//   source.path    shards: the offline dataset folder (`genrep generate`)
//   views.latent   none | gaussian | independent, views.sigma, views.truncation,
//   views.count (views per anchor), views.pool, views.anchors (0 = stream), views.pixel, ...
//
//   std::unique_ptr<ViewSource> s = makeViewSource(config, generator, &dataset, device);
#include <memory>

#include "genrep/data/RealDataset.h"
#include "genrep/gen/Generator.h"
#include "genrep/views/GeneratorViewSource.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

class Config;
class ConfigSchema;

void addViewSourceKeys(ConfigSchema& schema);
// views.latent, views.sigma, views.truncation alone (`genrep generate`, `genrep views`).
void addLatentViewKeys(ConfigSchema& schema);
LatentViewOptions latentViewOptionsFromConfig(const Config& config);
GeneratorViewOptions generatorViewOptionsFromConfig(const Config& config);
PixelViewOptions pixelViewOptionsFromConfig(const Config& config);

// `generator` may be null unless source.kind is generator or mix; `dataset` may be null
// unless it is real or mix. `rank`: the data-parallel rank whose share of each batch the
// source makes; its streams are seeded with rankSeed(run.seed, rank).
std::unique_ptr<ViewSource> makeViewSource(const Config& config, std::shared_ptr<Generator> generator,
                                           const RealDataset* dataset, const torch::Device& device, int rank = 0);

}  // namespace genrep
