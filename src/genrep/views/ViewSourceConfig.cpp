#include "genrep/views/ViewSourceConfig.h"

#include <stdexcept>

#include "genrep/core/Config.h"
#include "genrep/core/SettingBinding.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/views/MixedViewSource.h"
#include "genrep/views/RealViewSource.h"
#include "genrep/views/RefreshedViewSource.h"
#include "genrep/views/ShardViewSource.h"

namespace genrep {

namespace {

// The latent view settings, declared once; defaults are LatentViewOptions's own, and the
// kinds come from their one table (views/LatentView.h). LatentSampler checks the values.
const SettingBinding<LatentViewOptions>& latentViewSettings() {
  using O = LatentViewOptions;
  static const SettingBinding<O> binding = SettingBinding<O>()
                                               .add("views.latent", &O::kind, "latent view Tz", latentViewKinds())
                                               .add("views.sigma", &O::sigma, "gaussian latent view: z' = z + sigma * TN(-2, 2)")
                                               .add("views.truncation", &O::truncation, "anchors: z = truncation * TN(-2, 2)");
  return binding;
}

}  // namespace

void addLatentViewKeys(ConfigSchema& schema) {
  latentViewSettings().addKeys(schema);
  schema.addString("views.walks", "", "steering latent view: the walks folder written by `genrep steer train`");
}

LatentViewOptions latentViewOptionsFromConfig(const Config& config) {
  LatentViewOptions o = latentViewSettings().read(config);
  if (o.kind == LatentViewKind::Steering) {
    const std::string walks = config.getString("views.walks");
    if (walks.empty()) throw std::invalid_argument("views.latent=steering needs views.walks (a folder written by `genrep steer train`)");
    o.walks = std::make_shared<const SteeringWalks>(loadSteeringWalks(walks));
  }
  return o;
}

namespace {

// The pixel view settings, declared once; defaults are PixelViewOptions's own, and
// PixelViewOptions::validate is their one check (library users call it too).
const SettingBinding<PixelViewOptions>& pixelViewSettings() {
  using O = PixelViewOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("views.pixel", &O::enabled, "pixel views Tx (false: the image itself, a full-size centre crop)")
          .add("views.crop_scale_min", &O::scaleMin, "random resized crop: smallest area share")
          .add("views.crop_scale_max", &O::scaleMax, "random resized crop: largest area share")
          .add("views.crop_ratio_min", &O::ratioMin, "random resized crop: smallest aspect ratio")
          .add("views.crop_ratio_max", &O::ratioMax, "random resized crop: largest aspect ratio")
          .add("views.flip_p", &O::flipProbability, "horizontal flip probability")
          .add("views.jitter_p", &O::jitterProbability, "colour jitter probability")
          .add("views.brightness", &O::brightness, "colour jitter: brightness strength")
          .add("views.contrast", &O::contrast, "colour jitter: contrast strength")
          .add("views.saturation", &O::saturation, "colour jitter: saturation strength (RGB)")
          .add("views.hue", &O::hue, "colour jitter: hue shift in turns (RGB)")
          .add("views.grey_p", &O::greyProbability, "random greyscale probability (RGB)");
  return binding;
}

// The generator view settings beside the latent and pixel ones, declared once; defaults are
// GeneratorViewOptions's own. GeneratorViewSource checks them.
const SettingBinding<GeneratorViewOptions>& generatorViewSettings() {
  using O = GeneratorViewOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("views.count", &O::viewsPerAnchor, "views per anchor (the anchor and count-1 neighbours, or count pixel views)")
          .add("views.pool", &O::pool, "neighbours per anchor to pick from")
          .add("views.anchors", &O::anchors, "unique anchors: 0 = a continuous stream, A = a fixed set of A")
          .add("views.generator_precision", &O::generatorPrecision,
               "the generator's forward pass: fp32, or bf16 autocast (faster with AMX; other images)",
               precisionNames())
          .add("views.generator_channels_last", &O::generatorChannelsLast, "the generator's weights in the channels_last (NHWC) layout");
  return binding;
}

}  // namespace

void addViewSourceKeys(ConfigSchema& schema) {
  schema.addString("source.kind", "generator", "where training views come from", {"generator", "real", "mix", "shards"});
  schema.addFloat("source.share", 0.5, "mix: probability that an anchor is synthetic (else real)");
  schema.addString("source.path", "", "shards: the offline dataset folder written by `genrep generate`");
  addLatentViewKeys(schema);
  generatorViewSettings().addKeys(schema);
  schema.addFloat("views.refresh", 1.0,
                  "share of each batch's anchors generated afresh; the rest are reused from views.window (1 = stream, 0 = fixed set)");
  schema.addInt("views.window", 4096, "views.refresh < 1: the most recent generated anchors kept in memory for reuse");
  pixelViewSettings().addKeys(schema);
}

PixelViewOptions pixelViewOptionsFromConfig(const Config& config) {
  PixelViewOptions p = pixelViewSettings().read(config);
  p.validate();
  return p;
}

GeneratorViewOptions generatorViewOptionsFromConfig(const Config& config) {
  GeneratorViewOptions o = generatorViewSettings().read(config);
  o.latent = latentViewOptionsFromConfig(config);
  o.pixel = pixelViewOptionsFromConfig(config);
  o.seed = static_cast<uint64_t>(config.getInt("run.seed"));
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
