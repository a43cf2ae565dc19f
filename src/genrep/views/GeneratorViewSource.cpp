#include "genrep/views/GeneratorViewSource.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Stopwatch.h"
#include "genrep/runtime/FailureDump.h"
#include "genrep/views/LatentTensors.h"

namespace genrep {

void GeneratorViewOptions::validate() const {
  requirePositivePair(viewsPerAnchor);
  if (pool < 1) throw std::invalid_argument("views.pool must be >= 1");
  if (anchors < 0) throw std::invalid_argument("views.anchors must be >= 0 (0 = a continuous stream)");
  if (cacheMegabytes < 0) throw std::invalid_argument("views.cache_mb must be >= 0 (0 = no cache)");
  latent.validate();
  pixel.validate();
}

GeneratorViewSource::GeneratorViewSource(std::shared_ptr<Generator> generator, GeneratorViewOptions options,
                                         torch::Device device)
    : generator_(std::move(generator)),
      options_(options),
      latents_(options.latent, generator_->info().latentDim, generator_->info().classes, options.seed),
      device_(device) {
  options.validate();
  generator_->to(device_);
  // The speed switches as this CPU allows them; options() reports what was applied.
  options_.generatorChannelsLast = options.generatorChannelsLast && generator_->useChannelsLast("views.generator_channels_last");
  options_.generatorPrecision = usablePrecision(options.generatorPrecision, device_, "views.generator_precision");
  const GeneratorInfo& info = generator_->info();
  const int64_t images = options.anchors * (1 + (options.latent.kind == LatentViewKind::None ? 0 : options.pool));
  const double megabytes = static_cast<double>(images * info.channels * info.height * info.width) * sizeof(float) / (1024.0 * 1024.0);
  caching_ = options.anchors > 0 && options.cacheMegabytes > 0 && megabytes <= static_cast<double>(options.cacheMegabytes);
}

ViewBatch GeneratorViewSource::batch(int64_t step, int64_t anchors) {
  const uint64_t drawKey = mix64(deriveSeed(options_.seed, "views.draw") ^ static_cast<uint64_t>(step));
  return views(anchorIndices(step, anchors), drawKey);
}

std::vector<uint64_t> GeneratorViewSource::anchorIndices(int64_t step, int64_t anchors) const {
  std::vector<uint64_t> indices(static_cast<size_t>(anchors));
  if (options_.anchors == 0) {
    for (int64_t b = 0; b < anchors; ++b) indices[static_cast<size_t>(b)] = static_cast<uint64_t>(step * anchors + b);
  } else {
    RandomStream pick(mix64(deriveSeed(options_.seed, "views.anchors") ^ static_cast<uint64_t>(step)));
    for (auto& index : indices) index = pick.uniformInt(static_cast<uint64_t>(options_.anchors));
  }
  return indices;
}

ViewBatch GeneratorViewSource::views(const std::vector<uint64_t>& indices, uint64_t drawKey) {
  const auto b = static_cast<int64_t>(indices.size());
  RandomStream pick(drawKey);
  std::vector<uint64_t> neighbours(static_cast<size_t>((options_.viewsPerAnchor - 1) * b));
  if (options_.latent.kind != LatentViewKind::None) {
    for (uint64_t& k : neighbours) k = 1 + pick.uniformInt(static_cast<uint64_t>(options_.pool));
  }
  GeneratedViews generated = generate(indices, neighbours);
  return withPixelViews(std::move(generated), drawKey);
}

GeneratedViews GeneratorViewSource::generate(const std::vector<uint64_t>& indices, const std::vector<uint64_t>& neighbours) {
  const auto b = static_cast<int64_t>(indices.size());
  const int64_t v = options_.viewsPerAnchor;
  // With latent view "none" every view of an anchor is the same image: generate it once.
  const bool shared = options_.latent.kind == LatentViewKind::None;
  const int64_t rows = shared ? b : v * b;
  if (static_cast<int64_t>(neighbours.size()) != (v - 1) * b) {
    throw std::invalid_argument("generator views: one neighbour pick per view after the first of every anchor is needed");
  }

  std::vector<LatentCode> codes;  // row view * b + a
  std::vector<uint64_t> keys;     // the image's (anchor, neighbour)
  codes.reserve(static_cast<size_t>(rows));
  keys.reserve(static_cast<size_t>(rows));
  for (int64_t view = 0; view < (shared ? 1 : v); ++view) {
    for (int64_t a = 0; a < b; ++a) {
      const uint64_t k = view == 0 ? 0 : neighbours[static_cast<size_t>((view - 1) * b + a)];
      codes.push_back(latents_.neighbour(indices[static_cast<size_t>(a)], k));
      keys.push_back(indices[static_cast<size_t>(a)] * static_cast<uint64_t>(options_.pool + 1) + k);
    }
  }
  LatentTensors tensors = latentTensors(codes, latents_.latentDim());
  GeneratedViews out;
  out.anchors = b;
  out.latents = std::move(tensors.z);  // [R, Z]
  out.classes = std::move(tensors.y);  // [R]
  const auto start = SteadyClock::now();
  if (caching_) {
    for (const uint64_t key : keys) {
      if (cache_.count(key) == 0) cacheChunkOf(key);
    }
    std::vector<torch::Tensor> kept;
    kept.reserve(static_cast<size_t>(rows));
    for (const uint64_t key : keys) kept.push_back(cache_.at(key));
    out.images = torch::stack(kept);  // [R, C, H, W]
  } else {
    out.images = sample(out.latents, out.classes);  // [R, C, H, W]
  }
  if (shared) {
    out.images = out.images.repeat({v, 1, 1, 1});
    out.latents = out.latents.repeat({v, 1});
    out.classes = out.classes.repeat({v});
  }
  out.generateSeconds = secondsSince(start);
  return out;
}

torch::Tensor GeneratorViewSource::sample(const torch::Tensor& latents, const torch::Tensor& classes) {  // [R, Z], [R] -> [R, C, H, W]
  torch::NoGradGuard noGrad;
  torch::Tensor images;
  {
    AutocastScope autocast(options_.generatorPrecision, device_);
    images = generator_->sample(latents.to(device_), latents_.classes() > 0 ? classes.to(device_) : torch::Tensor());
  }
  images = images.to(torch::kFloat32);  // a bf16 generator's images; the pixel views and encoder take float
  try {
    return normaliseGenerated(images, generator_->info());
  } catch (const NonFiniteError& error) {
    throw NonFiniteError(error.what(), {{"images", images}, {"latents", latents}, {"classes", classes}});
  }
}

// The images of one chunk: neighbour k of kCacheChunk consecutive anchors, always in one generator
// call of the same rows, so that an image does not depend on which step met it first (a resumed
// run makes the same images as an uninterrupted one).
void GeneratorViewSource::cacheChunkOf(uint64_t key) {
  const auto pool = static_cast<uint64_t>(options_.pool + 1);
  const uint64_t k = key % pool, first = key / pool / kCacheChunk * kCacheChunk;
  const uint64_t last = std::min<uint64_t>(first + kCacheChunk, static_cast<uint64_t>(options_.anchors));
  std::vector<LatentCode> codes;
  codes.reserve(last - first);
  for (uint64_t anchor = first; anchor < last; ++anchor) codes.push_back(latents_.neighbour(anchor, k));
  const LatentTensors tensors = latentTensors(codes, latents_.latentDim());
  const torch::Tensor images = sample(tensors.z, tensors.y);  // [count, C, H, W]
  for (uint64_t anchor = first; anchor < last; ++anchor) cache_.emplace(anchor * pool + k, images[static_cast<int64_t>(anchor - first)]);
}

ViewBatch GeneratorViewSource::withPixelViews(GeneratedViews generated, uint64_t drawKey) const {
  ViewBatch batch;
  batch.anchors = generated.anchors;
  batch.viewsPerAnchor = options_.viewsPerAnchor;
  batch.generateSeconds = generated.generateSeconds;
  const auto start = SteadyClock::now();
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(mix64(drawKey ^ 0x5bd1e995ULL));
  batch.views = pixelView(generated.images, options_.pixel, rng);
  batch.augmentSeconds = secondsSince(start);

  const int64_t b = generated.anchors, v = options_.viewsPerAnchor;
  batch.anchorIds = torch::arange(b, torch::kInt64).repeat({v}).to(device_);
  batch.classes = generated.classes.to(device_);
  batch.latents = generated.latents.to(device_);
  batch.synthetic = torch::ones({v * b}, torch::TensorOptions().dtype(torch::kBool).device(device_));
  return batch;
}

std::string GeneratorViewSource::describe() const {
  std::string latent = latentViewName(options_.latent.kind);
  if (options_.latent.kind == LatentViewKind::Gaussian) latent += fmt::format(" sigma {}", options_.latent.sigma);
  if (options_.latent.kind == LatentViewKind::Steering) latent += fmt::format(" ({} walks)", options_.latent.walks->walks.size());
  std::string speed;  // the switches that change how, not what, the generator computes
  if (options_.generatorPrecision != Precision::Float32) speed += ", " + precisionName(options_.generatorPrecision);
  if (options_.generatorChannelsLast) speed += ", channels_last";
  return fmt::format("generator ({}{}), latent view {}, {} views per anchor, pool {}, {}, pixel views {}",
                     generator_->info().description, speed, latent,
                     options_.viewsPerAnchor, options_.pool,
                     options_.anchors == 0 ? std::string("continuous stream")
                                           : fmt::format("{} fixed anchors{}", options_.anchors, caching_ ? " (images kept)" : ""),
                     options_.pixel.enabled ? "on" : "off");
}

}  // namespace genrep
