#include "genrep/settings/ViewKeys.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/settings/GanKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/RunKeys.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

Config resolve(const std::vector<std::string>& overrides) {
  ConfigSchema schema;
  addRunKeys(schema);
  addViewSourceKeys(schema);
  addEncoderKeys(schema);
  addObjectiveKeys(schema);
  addEncoderTrainingKeys(schema);
  addGanTrainingKeys(schema);
  return Config::fromToml(schema, "", "test", overrides);
}

TEST(ViewKeys, DefaultsAreTheOptionsOwnAndTheRunSeedReachesEveryStream) {
  const ViewSourceOptions o = viewSourceOptionsFromConfig(resolve({"run.seed=7"}));
  const ViewSourceOptions d;
  EXPECT_EQ(o.kind, d.kind);
  EXPECT_EQ(o.share, d.share);
  EXPECT_EQ(o.refresh, d.refresh);
  EXPECT_EQ(o.window, d.window);
  EXPECT_EQ(o.generator.viewsPerAnchor, d.generator.viewsPerAnchor);
  EXPECT_EQ(o.generator.pool, d.generator.pool);
  EXPECT_EQ(o.generator.latent.kind, d.generator.latent.kind);
  EXPECT_EQ(o.generator.latent.sigma, d.generator.latent.sigma);
  EXPECT_EQ(o.generator.pixel.enabled, d.generator.pixel.enabled);
  EXPECT_EQ(o.generator.pixel.scaleMin, d.generator.pixel.scaleMin);
  EXPECT_EQ(o.seed, 7u);
  EXPECT_EQ(o.generator.seed, 7u);

  const ViewSourceOptions set = viewSourceOptionsFromConfig(resolve(
      {"source.kind=mix", "source.share=0.25", "views.latent=independent", "views.count=4", "views.pool=5", "views.flip_p=0.1"}));
  EXPECT_EQ(set.kind, SourceKind::Mix);
  EXPECT_EQ(set.share, 0.25);
  EXPECT_EQ(set.generator.latent.kind, LatentViewKind::Independent);
  EXPECT_EQ(set.generator.viewsPerAnchor, 4);
  EXPECT_EQ(set.generator.pool, 5);
  EXPECT_EQ(set.generator.pixel.flipProbability, 0.1);
  EXPECT_EQ(sourceKindFromConfig(resolve({"source.kind=shards"})), SourceKind::Shards);
}

TEST(ViewKeys, ChecksThatNeedMoreThanOneKeyNameThem) {
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { viewSourceOptionsFromConfig(resolve({"views.latent=steering"})); })
                .find("views.walks"),
            std::string::npos);
  EXPECT_NO_THROW(viewSourceOptionsFromConfig(resolve({"views.latent=steering", "source.kind=real"})))
      << "real images have no latent views: the walks are not needed";
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { viewSourceOptionsFromConfig(resolve({"views.crop_scale_min=0"})); })
                .find("views.crop_scale_min"),
            std::string::npos);
}

TEST(LearnKeys, TrainerObjectiveAndEncoderOptionsFromOneConfig) {
  const Config config = resolve({"run.seed=3", "run.resume_changed=true", "learn.objective=supcon", "learn.steps=50", "encoder.width=8"});
  const EncoderTrainingOptions training = encoderTrainingOptionsFromConfig(config);
  EXPECT_EQ(training.steps, 50);
  EXPECT_EQ(training.batch, EncoderTrainingOptions{}.batch);
  EXPECT_EQ(training.seed, 3u);
  EXPECT_TRUE(training.resumeChanged);
  EXPECT_EQ(objectiveOptionsFromConfig(config).kind, ObjectiveKind::SupCon);
  const EncoderArch arch = encoderArchFromConfig(config, 3);
  EXPECT_EQ(arch.channels, 3);
  EXPECT_EQ(arch.width, 8);
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { encoderTrainingOptionsFromConfig(resolve({"learn.warmup=10", "learn.steps=10"})); }),
            "learn.warmup is 10; it must be below learn.steps (10)");
}

TEST(GanKeys, OptionsWithTheRunSeedAndTheSettingsThatDecideTheWeights) {
  const Config config = resolve({"run.seed=5", "gan.steps=10"});
  const GanTrainingOptions o = ganOptionsFromConfig(config);
  EXPECT_EQ(o.steps, 10);
  EXPECT_EQ(o.evalEvery, GanTrainingOptions{}.evalEvery);
  EXPECT_EQ(o.seed, 5u);
  EXPECT_NE(o.configToml.find("steps = 10"), std::string::npos);
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { ganOptionsFromConfig(resolve({"gan.batch=1"})); }), "gan.batch is 1; it must be >= 2");
}

}  // namespace
}  // namespace genrep
