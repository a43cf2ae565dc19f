#pragma once
// Learns steering walks (docs/steering.md; Jahanian et al., "On the steerability of GANs"): for each
// pixel edit e a direction w_e in latent space, minimising the masked mean squared error
//   || mask * (G(z + step_e(alpha) * w_e, y) - edit_e(G(z, y), alpha)) ||^2 / |mask|
// over z, y and alpha drawn afresh for every sample (alpha from the edit's range). The
// generator is frozen; gradients flow through it to w_e only (Adam). Afterwards each walk
// is measured on held-out samples against leaving z unchanged.
//
//   WalkTrainingOptions o; o.edits = defaultEdits(generator.info().channels);
//   SteeringWalks walks = trainWalks(generator, o, torch::kCPU, metricsCallback);
#include <functional>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/gen/Generator.h"
#include "genrep/steer/PixelEdit.h"
#include "genrep/steer/SteeringWalks.h"

namespace genrep {

class DataParallel;

struct EditSpec {
  EditKind kind;
  EditRange range;
};

// zoom, shift_x, shift_y, rotate, brightness, contrast, and red, green, blue for RGB.
std::vector<EditSpec> defaultEdits(int64_t channels);

struct WalkTrainingOptions {
  std::vector<EditSpec> edits;
  int64_t steps = 300;
  int64_t batch = 32;
  double lr = 0.01;
  double truncation = 1.0;   // z = truncation * TN(-2, 2)
  int64_t evalSamples = 256;  // held-out samples for the report
  uint64_t seed = 0;
  // Data parallel: `batch` is split over the ranks, each draws its share from its own streams,
  // the walks' gradients are averaged; every rank computes the same held-out report.
  std::shared_ptr<DataParallel> ranks;  // null: one process
  // One process: draw each batch as this many parts, part p from the streams rank p of a
  // data-parallel run would use (tests compare W ranks with one process on their batches).
  int64_t streamParts = 1;

  // Throws std::invalid_argument naming the steer.* setting (colour edits need RGB images).
  void validate(const GeneratorInfo& info) const;
};

// Masked mean squared error per image: [B] (pixels outside the mask do not count).
torch::Tensor maskedSquaredError(const torch::Tensor& images, const torch::Tensor& target, const torch::Tensor& mask);

// onStep(step, loss per edit) after every step. Each walk's report holds identity_mse (z
// unchanged), walk_mse and achieved = 1 - walk_mse / identity_mse on the held-out samples.
SteeringWalks trainWalks(Generator& generator, const WalkTrainingOptions& options, const torch::Device& device,
                         const std::function<void(int64_t, const std::vector<double>&)>& onStep = {});

}  // namespace genrep
