#include "genrep/steer/WalkTrainer.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/gen/Latents.h"

namespace genrep {
namespace {

constexpr int64_t kEvalBatch = 64;

SteeringWalk walkOf(const EditSpec& edit) {
  SteeringWalk walk;
  walk.edit = editName(edit.kind);
  walk.min = edit.range.min;
  walk.max = edit.range.max;
  walk.logScale = edit.range.logScale;
  return walk;
}

}  // namespace

void WalkTrainingOptions::validate(const GeneratorInfo& info) const {
  const WalkTrainingOptions& o = *this;
  if (o.edits.empty()) throw std::invalid_argument("steer.edits: no edits to learn");
  if (o.steps < 0 || o.batch < 1 || !(o.lr > 0) || o.evalSamples < 1 || !(o.truncation > 0)) {
    throw std::invalid_argument("steer: steps must be >= 0, batch and eval_samples >= 1, lr and truncation positive");
  }
  for (const EditSpec& e : o.edits) {
    if (isColourEdit(e.kind) && info.channels != 3) {
      throw std::invalid_argument(fmt::format("steer.edits: '{}' needs an RGB generator, this one makes {} channel(s)",
                                              editName(e.kind), info.channels));
    }
    if (!(e.range.min < e.range.max) || (e.range.logScale && !(e.range.min > 0))) {
      throw std::invalid_argument(fmt::format("steer: the range of '{}' is [{}, {}]; it needs min < max (and min > 0 for zoom)",
                                              editName(e.kind), e.range.min, e.range.max));
    }
  }
}

namespace {

// alpha [B] drawn from the walk's law, and its step [B] on the walk.
std::pair<torch::Tensor, torch::Tensor> drawAlphas(const SteeringWalk& walk, int64_t count, RandomStream& rng) {
  std::vector<float> alpha(static_cast<size_t>(count)), step(static_cast<size_t>(count));
  for (size_t i = 0; i < alpha.size(); ++i) {
    const double a = walk.drawAlpha(rng);
    alpha[i] = static_cast<float>(a);
    step[i] = static_cast<float>(walk.step(a));
  }
  return {torch::tensor(alpha), torch::tensor(step)};
}

}  // namespace

std::vector<EditSpec> defaultEdits(int64_t channels) {
  std::vector<EditKind> kinds = {EditKind::Zoom,   EditKind::ShiftX,     EditKind::ShiftY,
                                 EditKind::Rotate, EditKind::Brightness, EditKind::Contrast};
  if (channels == 3) kinds.insert(kinds.end(), {EditKind::Red, EditKind::Green, EditKind::Blue});
  std::vector<EditSpec> edits;
  for (EditKind kind : kinds) edits.push_back({kind, defaultEditRange(kind)});
  return edits;
}

torch::Tensor maskedSquaredError(const torch::Tensor& images, const torch::Tensor& target, const torch::Tensor& mask) {
  const torch::Tensor squared = (images - target).pow(2).mul(mask).sum({1, 2, 3});     // [B]
  const torch::Tensor counted = mask.sum({1, 2, 3}).mul(images.size(1)).clamp_min(1);  // [B]
  return squared / counted;
}

SteeringWalks trainWalks(Generator& generator, const WalkTrainingOptions& options, const torch::Device& device,
                         const std::function<void(int64_t, const std::vector<double>&)>& onStep) {
  const GeneratorInfo& info = generator.info();
  options.validate(info);
  generator.to(device);
  const auto edits = static_cast<int64_t>(options.edits.size());
  SteeringWalks result;
  result.latentDim = info.latentDim;
  std::vector<torch::Tensor> directions;  // w_e [Z], starting at 0 = "no walk"
  for (const EditSpec& edit : options.edits) {
    result.walks.push_back(walkOf(edit));
    directions.push_back(torch::zeros({info.latentDim}, torch::TensorOptions().device(device).requires_grad(true)));
  }
  torch::optim::Adam optimizer(directions, torch::optim::AdamOptions(options.lr));

  // z, y and alpha for a batch; the generator's image of z without any walk.
  const auto drawBatch = [&](int64_t count, torch::Generator& rng) {
    torch::Tensor z = sampleLatents(count, info.latentDim, options.truncation, rng).to(device);  // [B, Z]
    torch::Tensor y = info.classes > 0 ? sampleClasses(count, info.classes, rng).to(device) : torch::Tensor();
    torch::NoGradGuard noGrad;
    torch::Tensor x = normaliseGenerated(generator.sample(z, y), info);  // [B, C, H, W]
    return std::make_tuple(z, y, x);
  };

  const std::shared_ptr<DataParallel> ranks = options.ranks ? options.ranks : DataParallel::single();
  if (options.batch % ranks->worldSize() != 0) {
    throw std::invalid_argument(fmt::format("steer.batch {} must divide evenly over the {} ranks", options.batch, ranks->worldSize()));
  }
  const int64_t localBatch = options.batch / ranks->worldSize();
  const int64_t parts = ranks->worldSize() > 1 ? 1 : options.streamParts;  // drawn by this process
  if (parts < 1 || localBatch % parts != 0) {
    throw std::invalid_argument(fmt::format("steer: a batch of {} cannot be drawn as {} equal parts", localBatch, parts));
  }
  std::vector<torch::Generator> latentRngs;
  std::vector<RandomStream> alphaRngs;
  for (int64_t p = 0; p < parts; ++p) {
    const uint64_t streamSeed = rankSeed(options.seed, parts > 1 ? static_cast<int>(p) : ranks->rank());
    latentRngs.push_back(at::make_generator<at::CPUGeneratorImpl>(deriveSeed(streamSeed, "steer.latents")));
    alphaRngs.emplace_back(deriveSeed(streamSeed, "steer.alpha"));
  }
  const int64_t partBatch = localBatch / parts;
  for (int64_t step = 0; step < options.steps; ++step) {
    std::vector<torch::Tensor> zs, ys, xs;
    for (int64_t p = 0; p < parts; ++p) {
      const auto [zp, yp, xp] = drawBatch(partBatch, latentRngs[static_cast<size_t>(p)]);
      zs.push_back(zp);
      ys.push_back(yp);
      xs.push_back(xp);
    }
    const torch::Tensor z = torch::cat(zs), x = torch::cat(xs);
    const torch::Tensor y = info.classes > 0 ? torch::cat(ys) : torch::Tensor();
    optimizer.zero_grad();
    std::vector<double> losses;
    for (int64_t e = 0; e < edits; ++e) {
      std::vector<torch::Tensor> alphas, walkSteps;
      for (int64_t p = 0; p < parts; ++p) {
        auto [alphaPart, stepPart] = drawAlphas(result.walks[static_cast<size_t>(e)], partBatch, alphaRngs[static_cast<size_t>(p)]);
        alphas.push_back(alphaPart);
        walkSteps.push_back(stepPart);
      }
      const torch::Tensor alpha = torch::cat(alphas), walkStep = torch::cat(walkSteps);
      const EditedImages target = applyEdit(options.edits[static_cast<size_t>(e)].kind, x, alpha.to(device));
      const torch::Tensor moved = z + walkStep.to(device).unsqueeze(1) * directions[static_cast<size_t>(e)];  // [B, Z]
      const torch::Tensor images = normaliseGenerated(generator.sample(moved, y), info);
      const torch::Tensor loss = maskedSquaredError(images, target.images, target.mask).mean();
      // Only w_e's gradient: the generator's weights stay frozen and get none computed.
      // (a copy: autograd may hand back a view, which the optimiser's zero_grad cannot detach)
      directions[static_cast<size_t>(e)].mutable_grad() =
          torch::autograd::grad({loss}, {directions[static_cast<size_t>(e)]})[0].detach().clone();
      losses.push_back(loss.item<double>());
    }
    ranks->averageGradients(directions);
    losses = ranks->meanOverRanks(losses);  // the losses of the global batch, for the log
    optimizer.step();
    if (onStep) onStep(step, losses);
  }

  // Held-out report: the same draws for "z unchanged" and "z moved along the walk".
  torch::Generator evalRng = at::make_generator<at::CPUGeneratorImpl>(deriveSeed(options.seed, "steer.eval"));
  RandomStream evalAlphaRng(deriveSeed(options.seed, "steer.eval.alpha"));
  std::vector<double> identity(static_cast<size_t>(edits), 0.0), walked(static_cast<size_t>(edits), 0.0);
  for (int64_t start = 0; start < options.evalSamples; start += kEvalBatch) {
    const int64_t n = std::min(kEvalBatch, options.evalSamples - start);
    const auto [z, y, x] = drawBatch(n, evalRng);
    torch::NoGradGuard noGrad;
    for (int64_t e = 0; e < edits; ++e) {
      const auto [alpha, walkStep] = drawAlphas(result.walks[static_cast<size_t>(e)], n, evalAlphaRng);
      const EditedImages target = applyEdit(options.edits[static_cast<size_t>(e)].kind, x, alpha.to(device));
      const torch::Tensor images =
          normaliseGenerated(generator.sample(z + walkStep.to(device).unsqueeze(1) * directions[static_cast<size_t>(e)], y), info);
      identity[static_cast<size_t>(e)] += maskedSquaredError(x, target.images, target.mask).sum().item<double>();
      walked[static_cast<size_t>(e)] += maskedSquaredError(images, target.images, target.mask).sum().item<double>();
    }
  }
  for (int64_t e = 0; e < edits; ++e) {
    SteeringWalk& walk = result.walks[static_cast<size_t>(e)];
    const torch::Tensor w = directions[static_cast<size_t>(e)].detach().cpu().contiguous();
    walk.direction.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
    const double identityMse = identity[static_cast<size_t>(e)] / static_cast<double>(options.evalSamples);
    const double walkMse = walked[static_cast<size_t>(e)] / static_cast<double>(options.evalSamples);
    walk.report = {{"identity_mse", identityMse},
                   {"walk_mse", walkMse},
                   {"achieved", identityMse > 0 ? 1.0 - walkMse / identityMse : 0.0},
                   {"direction_norm", w.norm().item<double>()},
                   {"eval_samples", options.evalSamples},
                   {"steps", options.steps},
                   {"batch", options.batch},
                   {"lr", options.lr}};
  }
  return result;
}

}  // namespace genrep
