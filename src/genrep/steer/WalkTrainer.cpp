#include "genrep/steer/WalkTrainer.h"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/dist/DataParallel.h"
#include "genrep/gen/Latents.h"
#include "genrep/train/BatchParts.h"
#include "genrep/train/TrainingLoop.h"

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

namespace {

// The walks' directions w_e learning to reproduce their edits, against a frozen generator.
class WalkTask : public TrainingTask {
 public:
  using OnStep = std::function<void(int64_t, const std::vector<double>&)>;

  WalkTask(Generator& generator, const WalkTrainingOptions& options, const torch::Device& device, OnStep onStep)
      : generator_(generator),
        info_(generator.info()),
        options_(options),
        device_(device),
        onStep_(std::move(onStep)),
        ranks_(options.ranks ? options.ranks : DataParallel::single()),
        parts_(splitBatch(options.batch, *ranks_, options.streamParts, options.seed, "steer.batch")) {
    for (const EditSpec& edit : options.edits) {
      walks_.push_back(walkOf(edit));
      directions_.push_back(torch::zeros({info_.latentDim}, torch::TensorOptions().device(device).requires_grad(true)));  // no walk
    }
    optimizer_ = std::make_unique<torch::optim::Adam>(directions_, torch::optim::AdamOptions(options.lr));
    for (const uint64_t seed : parts_.seeds) {
      latentRngs_.push_back(at::make_generator<at::CPUGeneratorImpl>(deriveSeed(seed, "steer.latents")));
      alphaRngs_.emplace_back(deriveSeed(seed, "steer.alpha"));
    }
  }

  // z, y and alpha for a batch; the generator's image of z without any walk.
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> drawBatch(int64_t count, torch::Generator& rng) {
    torch::Tensor z = sampleLatents(count, info_.latentDim, options_.truncation, rng).to(device_);  // [B, Z]
    torch::Tensor y = info_.classes > 0 ? sampleClasses(count, info_.classes, rng).to(device_) : torch::Tensor();
    torch::NoGradGuard noGrad;
    torch::Tensor x = normaliseGenerated(generator_.sample(z, y), info_);  // [B, C, H, W]
    return {z, y, x};
  }

  StepValues step(int64_t step) override {
    std::vector<torch::Tensor> zs, ys, xs;
    for (torch::Generator& rng : latentRngs_) {
      const auto [zp, yp, xp] = drawBatch(parts_.perPart, rng);
      zs.push_back(zp);
      ys.push_back(yp);
      xs.push_back(xp);
    }
    const torch::Tensor z = torch::cat(zs), x = torch::cat(xs);
    const torch::Tensor y = info_.classes > 0 ? torch::cat(ys) : torch::Tensor();
    optimizer_->zero_grad();
    std::vector<double> losses;
    for (size_t e = 0; e < walks_.size(); ++e) losses.push_back(editLoss(e, z, y, x));
    ranks_->averageGradients(directions_);
    losses = ranks_->meanOverRanks(losses);  // the losses of the global batch, for the log
    optimizer_->step();
    if (onStep_) onStep_(step, losses);
    StepValues values;
    for (size_t e = 0; e < walks_.size(); ++e) values.emplace_back(walks_[e].edit, losses[e]);
    return values;
  }

  // Every rank starts from w = 0 by construction; nothing to broadcast.
  std::vector<torch::Tensor> sharedState() override { return {}; }

  nlohmann::json logRecord(int64_t step, const StepValues& windowMeans) override {
    nlohmann::json record = {{"step", step}};
    for (const auto& [edit, loss] : windowMeans) record["loss_" + edit] = loss;
    return record;
  }

  // Walks keep no checkpoint: they train in seconds to minutes.
  void save(CheckpointWriter& /*out*/) override {}
  void load(CheckpointReader& /*in*/) override {}

  // Held-out report: the same draws for "z unchanged" and "z moved along the walk".
  SteeringWalks measure();

 private:
  // Edit e's masked error on this batch; sets w_e's gradient (and only w_e's).
  double editLoss(size_t e, const torch::Tensor& z, const torch::Tensor& y, const torch::Tensor& x) {
    std::vector<torch::Tensor> alphas, walkSteps;
    for (RandomStream& rng : alphaRngs_) {
      auto [alphaPart, stepPart] = drawAlphas(walks_[e], parts_.perPart, rng);
      alphas.push_back(alphaPart);
      walkSteps.push_back(stepPart);
    }
    const torch::Tensor alpha = torch::cat(alphas), walkStep = torch::cat(walkSteps);
    const EditedImages target = applyEdit(options_.edits[e].kind, x, alpha.to(device_));
    const torch::Tensor moved = z + walkStep.to(device_).unsqueeze(1) * directions_[e];  // [B, Z]
    const torch::Tensor images = normaliseGenerated(generator_.sample(moved, y), info_);
    const torch::Tensor loss = maskedSquaredError(images, target.images, target.mask).mean();
    // Only w_e's gradient: the generator's weights stay frozen and get none computed.
    // (a copy: autograd may hand back a view, which the optimiser's zero_grad cannot detach)
    directions_[e].mutable_grad() = torch::autograd::grad({loss}, {directions_[e]})[0].detach().clone();
    return loss.item<double>();
  }

  Generator& generator_;
  const GeneratorInfo& info_;
  const WalkTrainingOptions& options_;
  torch::Device device_;
  OnStep onStep_;
  std::shared_ptr<DataParallel> ranks_;
  BatchParts parts_;
  std::vector<SteeringWalk> walks_;
  std::vector<torch::Tensor> directions_;  // w_e [Z]
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::vector<torch::Generator> latentRngs_;
  std::vector<RandomStream> alphaRngs_;
};

SteeringWalks WalkTask::measure() {
  const auto edits = walks_.size();
  torch::Generator evalRng = at::make_generator<at::CPUGeneratorImpl>(deriveSeed(options_.seed, "steer.eval"));
  RandomStream evalAlphaRng(deriveSeed(options_.seed, "steer.eval.alpha"));
  std::vector<double> identity(edits, 0.0), walked(edits, 0.0);
  for (int64_t start = 0; start < options_.evalSamples; start += kEvalBatch) {
    const int64_t n = std::min(kEvalBatch, options_.evalSamples - start);
    const auto [z, y, x] = drawBatch(n, evalRng);
    torch::NoGradGuard noGrad;
    for (size_t e = 0; e < edits; ++e) {
      const auto [alpha, walkStep] = drawAlphas(walks_[e], n, evalAlphaRng);
      const EditedImages target = applyEdit(options_.edits[e].kind, x, alpha.to(device_));
      const torch::Tensor images = normaliseGenerated(generator_.sample(z + walkStep.to(device_).unsqueeze(1) * directions_[e], y), info_);
      identity[e] += maskedSquaredError(x, target.images, target.mask).sum().item<double>();
      walked[e] += maskedSquaredError(images, target.images, target.mask).sum().item<double>();
    }
  }
  SteeringWalks result;
  result.latentDim = info_.latentDim;
  result.walks = walks_;
  for (size_t e = 0; e < edits; ++e) {
    SteeringWalk& walk = result.walks[e];
    const torch::Tensor w = directions_[e].detach().cpu().contiguous();
    walk.direction.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
    const double identityMse = identity[e] / static_cast<double>(options_.evalSamples);
    const double walkMse = walked[e] / static_cast<double>(options_.evalSamples);
    walk.report = {{"identity_mse", identityMse},
                   {"walk_mse", walkMse},
                   {"achieved", identityMse > 0 ? 1.0 - walkMse / identityMse : 0.0},
                   {"direction_norm", w.norm().item<double>()},
                   {"eval_samples", options_.evalSamples},
                   {"steps", options_.steps},
                   {"batch", options_.batch},
                   {"lr", options_.lr}};
  }
  return result;
}

}  // namespace

SteeringWalks trainWalks(Generator& generator, const WalkTrainingOptions& options, const torch::Device& device,
                         const std::function<void(int64_t, const std::vector<double>&)>& onStep) {
  options.validate(generator.info());
  generator.to(device);
  WalkTask task(generator, options, device, onStep);
  TrainingLoopOptions loop;
  loop.name = "steer train";
  loop.steps = options.steps;
  loop.logEvery = std::max<int64_t>(1, options.steps);
  loop.seed = options.seed;
  loop.showProgress = false;  // the command shows its own, with the losses
  loop.ranks = options.ranks;
  runTrainingLoop(task, loop, nullptr);
  return task.measure();
}

}  // namespace genrep
