#include "genrep/views/ViewSourceConfig.h"

#include <stdexcept>

#include "genrep/core/Config.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/views/MixedViewSource.h"
#include "genrep/views/RealViewSource.h"
#include "genrep/views/RefreshedViewSource.h"
#include "genrep/views/ShardViewSource.h"

namespace genrep {

void addLatentViewKeys(ConfigSchema& schema) {
  schema.addString("views.latent", "gaussian", "latent view Tz", {"none", "gaussian", "independent", "steering"});
  schema.addFloat("views.sigma", 0.5, "gaussian latent view: z' = z + sigma * TN(-2, 2)");
  schema.addFloat("views.truncation", 1.0, "anchors: z = truncation * TN(-2, 2)");
  schema.addString("views.walks", "", "steering latent view: the walks folder written by `genrep steer train`");
}

LatentViewOptions latentViewOptionsFromConfig(const Config& config) {
  LatentViewOptions o;
  o.kind = parseLatentViewKind(config.getString("views.latent"));
  o.sigma = config.getFloat("views.sigma");
  o.truncation = config.getFloat("views.truncation");
  if (o.kind == LatentViewKind::Steering) {
    const std::string walks = config.getString("views.walks");
    if (walks.empty()) throw std::invalid_argument("views.latent=steering needs views.walks (a folder written by `genrep steer train`)");
    o.walks = std::make_shared<const SteeringWalks>(loadSteeringWalks(walks));
  }
  return o;
}

void addViewSourceKeys(ConfigSchema& schema) {
  schema.addString("source.kind", "generator", "where training views come from", {"generator", "real", "mix", "shards"});
  schema.addFloat("source.share", 0.5, "mix: probability that an anchor is synthetic (else real)");
  schema.addString("source.path", "", "shards: the offline dataset folder written by `genrep generate`");
  addLatentViewKeys(schema);
  schema.addInt("views.count", 2, "views per anchor (the anchor and count-1 neighbours, or count pixel views)");
  schema.addInt("views.pool", 1, "neighbours per anchor to pick from");
  schema.addInt("views.anchors", 0, "unique anchors: 0 = a continuous stream, A = a fixed set of A");
  schema.addFloat("views.refresh", 1.0,
                  "share of each batch's anchors generated afresh; the rest are reused from views.window (1 = stream, 0 = fixed set)");
  schema.addInt("views.window", 4096, "views.refresh < 1: the most recent generated anchors kept in memory for reuse");
  schema.addString("views.generator_precision", "fp32", "the generator's forward pass: fp32, or bf16 autocast (faster with AMX; other images)",
                   {"fp32", "bf16"});
  schema.addBool("views.generator_channels_last", false, "the generator's weights in the channels_last (NHWC) layout");
  schema.addBool("views.pixel", true, "pixel views Tx (false: the image itself, a full-size centre crop)");
  schema.addFloat("views.crop_scale_min", 0.2, "random resized crop: smallest area share");
  schema.addFloat("views.crop_scale_max", 1.0, "random resized crop: largest area share");
  schema.addFloat("views.crop_ratio_min", 3.0 / 4.0, "random resized crop: smallest aspect ratio");
  schema.addFloat("views.crop_ratio_max", 4.0 / 3.0, "random resized crop: largest aspect ratio");
  schema.addFloat("views.flip_p", 0.5, "horizontal flip probability");
  schema.addFloat("views.jitter_p", 0.8, "colour jitter probability");
  schema.addFloat("views.brightness", 0.4, "colour jitter: brightness strength");
  schema.addFloat("views.contrast", 0.4, "colour jitter: contrast strength");
  schema.addFloat("views.saturation", 0.4, "colour jitter: saturation strength (RGB)");
  schema.addFloat("views.hue", 0.1, "colour jitter: hue shift in turns (RGB)");
  schema.addFloat("views.grey_p", 0.2, "random greyscale probability (RGB)");
}

PixelViewOptions pixelViewOptionsFromConfig(const Config& config) {
  PixelViewOptions p;
  p.enabled = config.getBool("views.pixel");
  p.scaleMin = config.getFloat("views.crop_scale_min");
  p.scaleMax = config.getFloat("views.crop_scale_max");
  p.ratioMin = config.getFloat("views.crop_ratio_min");
  p.ratioMax = config.getFloat("views.crop_ratio_max");
  p.flipProbability = config.getFloat("views.flip_p");
  p.jitterProbability = config.getFloat("views.jitter_p");
  p.brightness = config.getFloat("views.brightness");
  p.contrast = config.getFloat("views.contrast");
  p.saturation = config.getFloat("views.saturation");
  p.hue = config.getFloat("views.hue");
  p.greyProbability = config.getFloat("views.grey_p");
  p.validate();
  return p;
}

GeneratorViewOptions generatorViewOptionsFromConfig(const Config& config) {
  GeneratorViewOptions o;
  o.latent = latentViewOptionsFromConfig(config);
  o.pixel = pixelViewOptionsFromConfig(config);
  o.viewsPerAnchor = config.getInt("views.count");
  o.pool = config.getInt("views.pool");
  o.anchors = config.getInt("views.anchors");
  o.seed = static_cast<uint64_t>(config.getInt("run.seed"));
  o.generatorPrecision = parsePrecision(config.getString("views.generator_precision"), "views.generator_precision");
  o.generatorChannelsLast = config.getBool("views.generator_channels_last");
  return o;
}

std::unique_ptr<ViewSource> makeViewSource(const Config& config, std::shared_ptr<Generator> generator,
                                           const RealDataset* dataset, const torch::Device& device, int rank) {
  const std::string kind = config.getString("source.kind");
  const uint64_t seed = rankSeed(static_cast<uint64_t>(config.getInt("run.seed")), rank);
  const auto real = [&] {
    if (!dataset) throw std::invalid_argument("source.kind=" + kind + " needs a real dataset (data.*)");
    return std::make_unique<RealViewSource>(dataset->train.select(dataset->split.kept),
                                            static_cast<int64_t>(dataset->classNames.size()), pixelViewOptionsFromConfig(config),
                                            config.getInt("views.count"), seed, device);
  };
  const auto generated = [&] {
    if (!generator) throw std::invalid_argument("source.kind=" + kind + " needs a generator (gen.path)");
    GeneratorViewOptions options = generatorViewOptionsFromConfig(config);
    options.seed = seed;
    return std::make_unique<GeneratorViewSource>(generator, options, device);
  };
  // views.refresh applies to the generator source alone (like views.sigma, other sources
  // ignore it), so one override can serve every row of the demo.
  const double refresh = config.getFloat("views.refresh");
  if (kind == "generator") {
    if (refresh == 1.0) return generated();
    return std::make_unique<RefreshedViewSource>(generated(), refresh, config.getInt("views.window"));
  }
  if (kind == "shards") {
    const std::string path = config.getString("source.path");
    if (path.empty()) throw std::invalid_argument("source.kind=shards needs source.path (a folder written by `genrep generate`)");
    return std::make_unique<ShardViewSource>(loadOfflineDataset(path), pixelViewOptionsFromConfig(config),
                                             config.getInt("views.count"), seed, device);
  }
  if (kind == "real") return real();
  if (kind == "mix") {
    auto g = generated();
    auto r = real();
    const GeneratorInfo& info = generator->info();
    if (info.channels != dataset->train.channels || info.height != dataset->train.height || info.width != dataset->train.width) {
      throw std::invalid_argument("source.kind=mix: the generator's images and the dataset's differ in shape");
    }
    return std::make_unique<MixedViewSource>(std::move(g), std::move(r), config.getFloat("source.share"), seed);
  }
  throw std::invalid_argument("source.kind: unknown source '" + kind + "' (generator, real, mix, shards)");
}

}  // namespace genrep
