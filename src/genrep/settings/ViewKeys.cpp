#include "genrep/settings/ViewKeys.h"

#include <stdexcept>

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

struct WalksFolder {
  std::filesystem::path path;
};

// LatentViewOptions::validate checks the values (LatentSampler the rest).
const SettingBinding<LatentViewOptions>& latentViewSettings() {
  using O = LatentViewOptions;
  static const SettingBinding<O> binding = SettingBinding<O>()
                                               .add("views.latent", &O::kind, "latent view Tz", latentViewKinds())
                                               .add("views.sigma", &O::sigma, "gaussian latent view: z' = z + sigma * TN(-2, 2)")
                                               .add("views.truncation", &O::truncation, "anchors: z = truncation * TN(-2, 2)");
  return binding;
}

const SettingBinding<WalksFolder>& walksSettings() {
  static const SettingBinding<WalksFolder> binding = SettingBinding<WalksFolder>().add(
      "views.walks", &WalksFolder::path, "steering latent view: the walks folder written by `genrep steer train`");
  return binding;
}

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
          .add("views.grey_p", &O::greyProbability, "random greyscale probability (RGB)")
          .add("views.jitter_random_order", &O::jitterRandomOrder,
               "colour jitter in a random order per image, as torchvision's ColorJitter (false: brightness, contrast, saturation, hue)")
          .add("views.crop_size", &O::cropSize, "side of the pixel views in pixels (the paper: 112 from 128-px images); 0 = the image's size");
  return binding;
}

// GeneratorViewOptions::validate checks them (ViewSourceOptions::validate).
const SettingBinding<GeneratorViewOptions>& generatorViewSettings() {
  using O = GeneratorViewOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("views.count", &O::viewsPerAnchor, "views per anchor (the anchor and count-1 neighbours, or count pixel views)")
          .add("views.pool", &O::pool, "neighbours per anchor to pick from")
          .add("views.anchors", &O::anchors, "unique anchors: 0 = a continuous stream, A = a fixed set of A")
          .add("views.generator_precision", &O::generatorPrecision,
               "the generator's forward pass: fp32, or bf16 autocast (faster with AMX; other images)", precisionNames())
          .add("views.generator_channels_last", &O::generatorChannelsLast, "the generator's weights in the channels_last (NHWC) layout")
          .add("views.cache_mb", &O::cacheMegabytes,
               "a fixed set (views.anchors > 0): its images kept once generated when all A x (1 + pool) fit in this many MiB, so each "
               "is generated once (0 = every time; the same images up to float rounding)").role(KeyRole::Operational);
  return binding;
}

// The keys of the source beside its views; ViewSourceOptions::validate checks them.
const SettingBinding<ViewSourceOptions>& sourceSettings() {
  using O = ViewSourceOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("source.kind", &O::kind, "where training views come from", sourceKinds())
          .add("source.share", &O::share, "mix: probability that an anchor is synthetic (else real)")
          .add("source.path", &O::shards, "shards: the offline dataset folder written by `genrep generate`");
  return binding;
}

const SettingBinding<ViewSourceOptions>& refreshSettings() {
  using O = ViewSourceOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("views.refresh", &O::refresh,
               "share of each batch's anchors generated afresh; the rest are reused from views.window (1 = stream, 0 = fixed set)")
          .add("views.window", &O::window, "views.refresh < 1: the most recent generated anchors kept in memory for reuse")
          .add("views.prefetch_threads", &O::prefetchThreads,
               "0 = each step's views made in the training thread; P = a producer thread with P intra-op threads makes step t+1's "
               "views while step t trains (the same views; generate/augment shares are then its overlapped work)").role(KeyRole::Operational);
  return binding;
}

}  // namespace

SourceKind sourceKindFromConfig(const Config& config) { return sourceSettings().read(config).kind; }

void addLatentViewKeys(ConfigSchema& schema) {
  latentViewSettings().addKeys(schema);
  walksSettings().addKeys(schema);
}

LatentViewOptions latentViewOptionsFromConfig(const Config& config) {
  LatentViewOptions o = latentViewSettings().read(config);
  if (o.kind == LatentViewKind::Steering) {
    const std::filesystem::path walks = walksSettings().read(config).path;
    if (walks.empty()) throw std::invalid_argument("views.latent=steering needs views.walks (a folder written by `genrep steer train`)");
    o.walks = std::make_shared<const SteeringWalks>(loadSteeringWalks(walks));
  }
  return o;
}

void addViewSourceKeys(ConfigSchema& schema) {
  sourceSettings().addKeys(schema);
  addLatentViewKeys(schema);
  generatorViewSettings().addKeys(schema);
  refreshSettings().addKeys(schema);
  pixelViewSettings().addKeys(schema);
}

ViewSourceOptions viewSourceOptionsFromConfig(const Config& config) {
  ViewSourceOptions o = sourceSettings().read(config);
  refreshSettings().read(config, o);
  generatorViewSettings().read(config, o.generator);
  pixelViewSettings().read(config, o.generator.pixel);
  // The walks are loaded only where the source uses latent views.
  if (o.needsGenerator()) o.generator.latent = latentViewOptionsFromConfig(config);
  o.seed = runOptionsFromConfig(config).seed;
  o.generator.seed = o.seed;
  o.validate();
  return o;
}

}  // namespace genrep
