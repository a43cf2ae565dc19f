#include "genrep/views/GeneratorViewSource.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Stopwatch.h"
#include "genrep/runtime/FailureDump.h"

namespace genrep {

GeneratorViewSource::GeneratorViewSource(std::shared_ptr<Generator> generator, GeneratorViewOptions options,
                                         torch::Device device)
    : generator_(std::move(generator)),
      options_(options),
      latents_(options.latent, generator_->info().latentDim, generator_->info().classes, options.seed),
      device_(device) {
  if (options.viewsPerAnchor < 2) throw std::invalid_argument("views.count must be >= 2 (a positive needs two views)");
  if (options.pool < 1) throw std::invalid_argument("views.pool must be >= 1");
  if (options.anchors < 0) throw std::invalid_argument("views.anchors must be >= 0 (0 = a continuous stream)");
  options.pixel.validate();
  generator_->to(device_);
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
  const int64_t v = options_.viewsPerAnchor;
  const int64_t zDim = latents_.latentDim();
  const bool conditional = latents_.classes() > 0;
  // With latent view "none" every view of an anchor is the same image: generate it once.
  const bool shared = options_.latent.kind == LatentViewKind::None;
  const int64_t generated = shared ? b : v * b;

  RandomStream pick(drawKey);
  std::vector<float> z(static_cast<size_t>(generated * zDim));
  std::vector<int64_t> y(static_cast<size_t>(generated));
  for (int64_t view = 0; view < (shared ? 1 : v); ++view) {
    for (int64_t a = 0; a < b; ++a) {
      const uint64_t k = view == 0 ? 0 : 1 + pick.uniformInt(static_cast<uint64_t>(options_.pool));
      const LatentCode code = latents_.neighbour(indices[static_cast<size_t>(a)], k);
      const int64_t row = view * b + a;
      std::copy(code.z.begin(), code.z.end(), z.begin() + row * zDim);
      y[static_cast<size_t>(row)] = code.y;
    }
  }
  torch::Tensor zTensor = torch::from_blob(z.data(), {generated, zDim}, torch::kFloat32).clone();  // [G, Z]
  torch::Tensor yTensor = torch::from_blob(y.data(), {generated}, torch::kInt64).clone();          // [G]

  ViewBatch batch;
  batch.anchors = b;
  batch.viewsPerAnchor = v;
  auto start = SteadyClock::now();
  torch::Tensor images;
  {
    torch::NoGradGuard noGrad;
    {
      AutocastScope autocast(options_.generatorPrecision, device_);
      images = generator_->sample(zTensor.to(device_), conditional ? yTensor.to(device_) : torch::Tensor());
    }
    images = images.to(torch::kFloat32);  // a bf16 generator's images; the pixel views and encoder take float
    try {
      images = normaliseGenerated(images, generator_->info());
    } catch (const NonFiniteError& error) {
      throw NonFiniteError(error.what(), {{"images", images}, {"latents", zTensor}, {"classes", yTensor}});
    }
  }
  if (shared) {
    images = images.repeat({v, 1, 1, 1});
    zTensor = zTensor.repeat({v, 1});
    yTensor = yTensor.repeat({v});
  }
  batch.generateSeconds = secondsSince(start);

  start = SteadyClock::now();
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(mix64(drawKey ^ 0x5bd1e995ULL));
  batch.views = pixelView(images, options_.pixel, rng);
  batch.augmentSeconds = secondsSince(start);

  batch.anchorIds = torch::arange(b, torch::kInt64).repeat({v}).to(device_);
  batch.classes = yTensor.to(device_);
  batch.latents = zTensor.to(device_);
  batch.synthetic = torch::ones({v * b}, torch::TensorOptions().dtype(torch::kBool).device(device_));
  return batch;
}

std::string GeneratorViewSource::describe() const {
  std::string latent = latentViewName(options_.latent.kind);
  if (options_.latent.kind == LatentViewKind::Gaussian) latent += fmt::format(" sigma {}", options_.latent.sigma);
  if (options_.latent.kind == LatentViewKind::Steering) latent += fmt::format(" ({} walks)", options_.latent.walks->walks.size());
  return fmt::format("generator ({}{}), latent view {}, {} views per anchor, pool {}, {}, pixel views {}",
                     generator_->info().description,
                     options_.generatorPrecision == Precision::Float32 ? "" : ", " + precisionName(options_.generatorPrecision), latent,
                     options_.viewsPerAnchor, options_.pool,
                     options_.anchors == 0 ? std::string("continuous stream") : fmt::format("{} fixed anchors", options_.anchors),
                     options_.pixel.enabled ? "on" : "off");
}

}  // namespace genrep
