#include "genrep/settings/LearnKeys.h"

#include <fmt/format.h>

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

// EncoderArch::validate checks the values.
const SettingBinding<EncoderArch>& encoderSettings() {
  using O = EncoderArch;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("encoder.arch", &O::kind, "resnet: genrep's small ResNet (encoder.stages/blocks/width); resnet18/34/50: torchvision's",
               encoderKinds())
          .add("encoder.stem", &O::stem, "torchvision's kinds: imagenet (7x7 stride 2 + max-pool) or cifar (3x3 stride 1, for small images)",
               encoderStems())
          .add("encoder.input_norm", &O::inputNorm,
               "imagenet: ImageNet's mean and std on [0, 1] pixels first (RGB; what torchvision's models expect); none: [-1, 1] as they are",
               inputNorms())
          .add("encoder.stages", &O::stages, "resnet: stages (each doubles the width and halves the resolution)")
          .add("encoder.blocks", &O::blocks, "resnet: basic blocks per stage")
          .add("encoder.width", &O::width, "resnet: channels of the first stage");
  return binding;
}

const SettingBinding<ObjectiveOptions>& objectiveSettings() {
  using O = ObjectiveOptions;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("learn.objective", &O::kind, "what the encoder learns", objectiveKinds())
          .add("learn.tau", &O::tau, "contrastive temperature", Bounds<double>::above(0))
          .add("learn.tau_base", &O::tauBase, "contrastive base temperature (the loss is scaled by tau / tau_base)", Bounds<double>::above(0))
          .add("learn.head_dim", &O::headDim, "contrastive embedding size (output of the 2-layer MLP head)", Bounds<int64_t>::atLeast(1));
  return binding;
}

const SettingBinding<EncoderTrainingOptions>& encoderTrainingSettings() {
  using O = EncoderTrainingOptions;
  using I = Bounds<int64_t>;
  using F = Bounds<double>;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("learn.steps", &O::steps, "gradient updates", I::atLeast(1))
          .add("learn.batch", &O::batch, "anchors per step (each brings views.count views; >= 2: negatives come from the other anchors)",
               I::atLeast(2))
          .add("learn.lr_per_256", &O::lrPer256, "SGD learning rate per 256 anchors (lr = lr_per_256 * batch / 256)", F::above(0))
          .add("learn.momentum", &O::momentum, "SGD momentum", F::closedOpen(0, 1))
          .add("learn.weight_decay", &O::weightDecay, "SGD weight decay", F::atLeast(0))
          .add("learn.warmup", &O::warmup, "linear warm-up steps before the cosine decay (< learn.steps)", I::atLeast(0))
          .add("learn.checkpoint_every", &O::checkpointEvery, "steps between checkpoints", I::atLeast(1)).role(KeyRole::Operational)
          .add("learn.log_every", &O::logEvery, "steps between metrics lines", I::atLeast(1)).role(KeyRole::Operational)
          .add("learn.resume", &O::resume, "continue from the run folder's checkpoint when there is one").role(KeyRole::Operational)
          .add("learn.sync_batch_norm", &O::syncBatchNorm, "data parallel: batch-norm statistics over every rank's share of the batch")
          .add("learn.precision", &O::precision, "encoder forward and loss: fp32, or bf16 autocast (faster with AMX; other numerics)",
               precisionNames())
          .add("learn.channels_last", &O::channelsLast, "channels_last (NHWC) memory layout for the encoder's weights and views")
          .add("learn.monitor_every", &O::monitorEvery,
               "steps between online kNN readings on held-out real images (0 = none; needs a labelled dataset)", I::atLeast(0)).role(KeyRole::Operational);
  return binding;
}

}  // namespace

void addEncoderKeys(ConfigSchema& schema) { encoderSettings().addKeys(schema); }

EncoderArch encoderArchFromConfig(const Config& config, int64_t channels) {
  EncoderArch arch;
  arch.channels = channels;
  encoderSettings().read(config, arch);
  arch.validate();
  return arch;
}

void addObjectiveKeys(ConfigSchema& schema) { objectiveSettings().addKeys(schema); }

ObjectiveOptions objectiveOptionsFromConfig(const Config& config) { return objectiveSettings().read(config); }

void addEncoderTrainingKeys(ConfigSchema& schema) { encoderTrainingSettings().addKeys(schema); }

EncoderTrainingOptions encoderTrainingOptionsFromConfig(const Config& config) {
  EncoderTrainingOptions o = encoderTrainingSettings().read(config);
  readRunInto(config, o);
  requireSetting(o.warmup < o.steps, fmt::format("learn.warmup is {}; it must be below learn.steps ({})", o.warmup, o.steps));
  return o;
}

}  // namespace genrep
