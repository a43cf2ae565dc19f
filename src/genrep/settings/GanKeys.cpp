#include "genrep/settings/GanKeys.h"

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

const SettingBinding<GanTrainingOptions>& ganSettings() {
  using O = GanTrainingOptions;
  using I = Bounds<int64_t>;
  using F = Bounds<double>;
  static const SettingBinding<O> binding =
      SettingBinding<O>()
          .add("gan.conditional", &O::conditional, "class-conditional GAN (needs a labelled dataset); false = unconditional")
          .add("gan.latent_dim", &O::latentDim, "latent size Z", I::atLeast(1))
          .add("gan.width_g", &O::widthG, "base channels of G (deepest layer 4x)", I::atLeast(1))
          .add("gan.width_d", &O::widthD, "base channels of D (deepest layer 4x)", I::atLeast(1))
          .add("gan.steps", &O::steps, "training steps (gan.d_steps D updates and one G update each)", I::atLeast(1)).role(KeyRole::Extent)
          .add("gan.batch", &O::batch, "batch size of a D and of a G step (>= 2: batch norm needs two samples)", I::atLeast(2))
          .add("gan.lr_g", &O::lrG, "Adam learning rate of G", F::above(0))
          .add("gan.lr_d", &O::lrD, "Adam learning rate of D", F::above(0))
          .add("gan.d_steps", &O::dSteps, "D updates per step, each on a fresh real and generated batch (SNGAN trains with 5)",
               I::atLeast(1))
          .add("gan.beta1", &O::beta1, "Adam beta1", F::closedOpen(0, 1))
          .add("gan.beta2", &O::beta2, "Adam beta2", F::closedOpen(0, 1))
          .add("gan.aux_weight", &O::auxWeight, "weight of the auxiliary classification loss (conditional)", F::atLeast(0))
          .add("gan.aux_end_step", &O::auxEndStep, "steps from this one on train without the auxiliary loss (0 = it applies throughout)",
               I::atLeast(0))
          .add("gan.ema_decay", &O::emaDecay, "decay of the moving average of G used for sampling", F::closedOpen(0, 1))
          .add("gan.checkpoint_every", &O::checkpointEvery, "steps between checkpoints", I::atLeast(1)).role(KeyRole::Operational)
          .add("gan.eval_every", &O::evalEvery, "steps between quality probes: class consistency, or the Fréchet distance for an unconditional GAN (0 = none)", I::atLeast(0)).role(KeyRole::Operational)
          .add("gan.log_every", &O::logEvery, "steps between metrics lines", I::atLeast(1)).role(KeyRole::Operational)
          .add("gan.resume", &O::resume, "continue from the run folder's checkpoint when there is one").role(KeyRole::Operational)
          .add("gan.out", &O::out, "generator folder to write; empty = <run folder>/generator").role(KeyRole::Operational)
          .add("gan.sync_batch_norm", &O::syncBatchNorm, "data parallel: G's batch-norm statistics over every rank's share of the batch");
  return binding;
}

}  // namespace

void addGanTrainingKeys(ConfigSchema& schema) { ganSettings().addKeys(schema); }

GanTrainingOptions ganOptionsFromConfig(const Config& config) {
  GanTrainingOptions o = ganSettings().read(config);
  readRunInto(config, o);
  o.configToml = config.toToml();
  return o;
}

RunSettings ganRunSettings(const Config& config, const ConfigSchema& schema) {
  return RunSettings(config, schema, {"data", "gan"});  // gan.steps is an Extent: a checkpoint continues to more
}

}  // namespace genrep
