#include "genrep/gen/GanTrainer.h"

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/Latents.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"

namespace genrep {
namespace {

GanTrainingOptions tinyOptions(int64_t steps) {
  GanTrainingOptions options;
  options.latentDim = 8;
  options.widthG = 4;
  options.widthD = 4;
  options.steps = steps;
  options.batch = 8;
  options.checkpointEvery = 2;
  options.logEvery = 1;
  options.seed = 3;
  return options;
}

GanTrainingResult train(const RealDataset& data, const GanTrainingOptions& options, const std::filesystem::path& runRoot) {
  const RunDir run = RunDir::create(runRoot, "run", "gan-train");
  MetricsLog metrics(run.file("metrics.jsonl"));
  return trainGan(data, options, run, metrics);
}

TEST(GanTrainer, TrainsSavesReloadsAndSamplesTheSameImages) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  const GanTrainingResult result = train(data, tinyOptions(3), dir.path());
  EXPECT_EQ(result.steps, 3);
  EXPECT_TRUE(std::filesystem::exists(result.generatorFolder / "manifest.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "checkpoint.pt"));

  std::unique_ptr<GanGenerator> a = loadGanGenerator(result.generatorFolder);
  std::unique_ptr<GanGenerator> b = loadGanGenerator(result.generatorFolder);
  EXPECT_EQ(a->info().classes, 2);
  EXPECT_EQ(a->info().latentDim, 8);
  EXPECT_EQ(a->info().height, 8);
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(11);
  const torch::Tensor z = sampleLatents(6, 8, 1.0, rng);
  const torch::Tensor y = torch::tensor({0, 1, 0, 1, 1, 0}, torch::kInt64);
  torch::NoGradGuard noGrad;
  const torch::Tensor x = a->sample(z, y);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{6, 1, 8, 8}));
  EXPECT_TRUE(torch::equal(x, b->sample(z, y))) << "a reloaded generator gives identical images";
  EXPECT_TRUE(torch::equal(x, a->sample(z, y))) << "sampling is deterministic (eval mode)";
  EXPECT_LE(x.max().item<double>(), 1.0);
  EXPECT_GE(x.min().item<double>(), -1.0);
}

TEST(GanTrainer, ResumesFromTheLastCheckpointToTheSameWeights) {
  test::TempDir straight, interrupted;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  const GanTrainingResult full = train(data, tinyOptions(4), straight.path());
  train(data, tinyOptions(2), interrupted.path());  // stops after step 2 (and its checkpoint)
  const GanTrainingResult resumed = train(data, tinyOptions(4), interrupted.path());
  EXPECT_EQ(resumed.steps, 4);
  EXPECT_EQ(readFileBytes(full.generatorFolder / "generator.pt").size(),
            readFileBytes(resumed.generatorFolder / "generator.pt").size());
  std::unique_ptr<GanGenerator> a = loadGanGenerator(full.generatorFolder);
  std::unique_ptr<GanGenerator> b = loadGanGenerator(resumed.generatorFolder);
  auto pa = a->net()->named_parameters(), pb = b->net()->named_parameters();
  for (const auto& item : pa) {
    EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key() << " differs after resume";
  }
}

TEST(GanTrainer, UnconditionalGanTrainsOnUnlabelledSettings) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(32, 8, 2, 8);
  GanTrainingOptions options = tinyOptions(2);
  options.conditional = false;
  const GanTrainingResult result = train(data, options, dir.path());
  std::unique_ptr<GanGenerator> g = loadGanGenerator(result.generatorFolder);
  EXPECT_EQ(g->info().classes, 0);
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(1);
  torch::NoGradGuard noGrad;
  EXPECT_EQ(g->sample(sampleLatents(3, 8, 1.0, rng), torch::Tensor()).size(0), 3);
}

TEST(GanTrainer, ConditionalNeedsLabels) {
  test::TempDir dir;
  RealDataset data = test::tinyDataset(32, 8, 2, 8);
  data.classNames.clear();
  EXPECT_THROW(train(data, tinyOptions(1), dir.path()), std::invalid_argument);
}

TEST(GanGenerator, BadFoldersAreNamed) {
  test::TempDir dir;
  try {
    loadGanGenerator(dir.path());
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("no manifest.json"), std::string::npos);
  }
  test::writeText(dir / "manifest.json", "{\"format\": \"genrep-generator\", \"kind\": \"genrep-gan\", \"version\": 1,"
                                         " \"architecture\": {\"latent_dim\": 8, \"classes\": 2, \"channels\": 1, \"height\": 8,"
                                         " \"width\": 8, \"width_g\": 4, \"width_d\": 4}}");
  test::writeText(dir / "generator.pt", "not a torch archive");
  try {
    loadGanGenerator(dir.path());
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("cannot load generator weights"), std::string::npos) << error.what();
  }
  test::writeText(dir / "manifest.json", "{ not json");
  EXPECT_THROW(loadGanGenerator(dir.path()), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
