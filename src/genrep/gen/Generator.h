#pragma once
// The one interface every generator has (docs/generators.md); nothing downstream knows which
// generator it holds (genrep's own GAN, or a TorchScript module the user brings).
//
//   std::unique_ptr<Generator> g = loadGanGenerator("models/fashion-mnist-cgan");
//   torch::Tensor z = sampleLatents(64, g->info().latentDim, 1.0, rng);   // [64, Z]
//   torch::Tensor y = torch::randint(g->info().classes, {64}, torch::kInt64);
//   torch::Tensor x = g->sample(z, y);        // [64, C, H, W] in info().outputMin..outputMax
#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace genrep {

struct GeneratorInfo {
  int64_t latentDim = 0;
  int64_t classes = 0;  // 0 = unconditional
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  double outputMin = -1.0;
  double outputMax = 1.0;
  std::string description;
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual const GeneratorInfo& info() const = 0;
  // z [B, latentDim] float; y [B] int64 in [0, classes) for a conditional generator,
  // undefined otherwise. Returns [B, C, H, W] float. No gradients are kept unless the
  // caller enables them (inversion and steering backpropagate through it).
  virtual torch::Tensor sample(const torch::Tensor& z, const torch::Tensor& y) = 0;
  virtual void to(const torch::Device& device) = 0;
  // Switches 4-D weights to the channels_last layout (runtime/ChannelsLast.h): the same
  // function, often faster convolutions. Returns whether it did: a generator without such
  // weights, or with a layer where the layout is unsafe on CPUs (then a warning names
  // `setting`), keeps its own.
  virtual bool useChannelsLast(const std::string& setting) {
    (void)setting;
    return false;
  }
};

// Maps a generator's output range onto [-1, 1], where every consumer works, and refuses
// non-finite images with an error naming the generator.
torch::Tensor normaliseGenerated(const torch::Tensor& images, const GeneratorInfo& info);  // [B, C, H, W]

}  // namespace genrep
