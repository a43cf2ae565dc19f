#pragma once
// The source.* and views.* keys, each declared once over the struct it fills
// (ViewSourceOptions, its GeneratorViewOptions, LatentViewOptions and PixelViewOptions; their
// initialisers are the defaults):
//   source.kind    generator | real | mix | shards    source.share  synthetic share of a mix
//   source.path    shards: the offline dataset folder (`genrep generate`)
//   views.latent   none | gaussian | independent | steering, views.sigma, views.truncation,
//   views.count (views per anchor), views.pool, views.anchors (0 = stream), views.pixel, ...
//
//   ConfigSchema schema; addViewSourceKeys(schema);
//   std::unique_ptr<ViewSource> s = makeViewSource(viewSourceOptionsFromConfig(config), generator, &dataset, device);
#include "genrep/views/ViewSourceOptions.h"

namespace genrep {

class Config;
class ConfigSchema;

void addViewSourceKeys(ConfigSchema& schema);
// + run.seed; the pixel views are checked (PixelViewOptions::validate).
ViewSourceOptions viewSourceOptionsFromConfig(const Config& config);

// source.kind alone (what a command must open before it builds the source).
SourceKind sourceKindFromConfig(const Config& config);

// views.latent, views.sigma, views.truncation and views.walks alone (`genrep generate`,
// `genrep views`); views.latent=steering loads the walks.
void addLatentViewKeys(ConfigSchema& schema);
LatentViewOptions latentViewOptionsFromConfig(const Config& config);

}  // namespace genrep
