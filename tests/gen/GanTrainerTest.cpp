#include "genrep/gen/GanTrainer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "genrep/core/CheckpointFile.h"
#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GanNetworks.h"
#include "genrep/gen/Latents.h"
#include "genrep/runtime/CheckpointArchive.h"
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

void expectSameGenerator(const std::filesystem::path& a, const std::filesystem::path& b) {
  auto pa = loadGanGenerator(a)->net()->named_parameters(), pb = loadGanGenerator(b)->net()->named_parameters();
  for (const auto& item : pa) EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key() << " differs";
}

// The latest checkpoint damaged on disk: the run resumes from the slot before it and still
// ends with the weights of an uninterrupted run.
TEST(GanTrainer, ADamagedLatestCheckpointFallsBackToThePreviousSlot) {
  test::TempDir straight, interrupted;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  const GanTrainingResult full = train(data, tinyOptions(6), straight.path());
  train(data, tinyOptions(4), interrupted.path());  // checkpoints at steps 2 and 4
  const std::filesystem::path latest = interrupted / "run" / "checkpoint.pt";
  ASSERT_EQ(decodeCheckpoint(readFileText(previousCheckpointSlot(latest)), "previous").step, 2);
  std::string bytes = readFileText(latest);
  bytes[bytes.size() / 2] ^= 0x40;
  test::writeText(latest, bytes);
  const GanTrainingResult resumed = train(data, tinyOptions(6), interrupted.path());
  EXPECT_EQ(resumed.steps, 6);
  expectSameGenerator(full.generatorFolder, resumed.generatorFolder);
}

// gan.aux_end_step is the schedule measured in docs/gan.md: the same as stopping the run
// there and continuing without the auxiliary loss, and not the same as keeping it.
TEST(GanTrainer, EndingTheAuxiliaryLossEqualsContinuingWithoutIt) {
  test::TempDir scheduled, continued, throughout;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  GanTrainingOptions options = tinyOptions(4);
  options.auxEndStep = 2;
  const GanTrainingResult a = train(data, options, scheduled.path());
  train(data, tinyOptions(2), continued.path());
  GanTrainingOptions withoutAux = tinyOptions(4);
  withoutAux.auxWeight = 0;
  withoutAux.resumeChanged = true;
  const GanTrainingResult b = train(data, withoutAux, continued.path());
  expectSameGenerator(a.generatorFolder, b.generatorFolder);
  const GanTrainingResult c = train(data, tinyOptions(4), throughout.path());
  const torch::Tensor wa = loadGanGenerator(a.generatorFolder)->net()->parameters()[0];
  EXPECT_FALSE(torch::equal(wa, loadGanGenerator(c.generatorFolder)->net()->parameters()[0]))
      << "ending the auxiliary loss changes the last two steps";
}

// The Adam step count of every parameter of the checkpoint's optimiser `name` ("opt_d", "opt_g").
std::vector<int64_t> adamSteps(const std::filesystem::path& checkpoint, const std::string& name, torch::nn::Module& module) {
  const std::optional<CheckpointFile> found = readLatestCheckpoint(checkpoint, "gan-training", 1);
  EXPECT_TRUE(found.has_value()) << checkpoint;
  if (!found) return {};
  torch::optim::Adam adam(module.parameters());
  CheckpointReader in(*found);
  in.part(name, adam);
  std::vector<int64_t> steps;
  for (const torch::Tensor& p : module.parameters()) {
    steps.push_back(static_cast<torch::optim::AdamParamState&>(*adam.state().at(p.unsafeGetTensorImpl())).step());
  }
  return steps;
}

// gan.d_steps: each step updates D that many times (the counts in the optimisers' states), and
// an interrupted run resumes to the weights of a straight one.
TEST(GanTrainer, SeveralDUpdatesPerStepAreCountedAndResumeExactly) {
  test::TempDir straight, interrupted, once;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  GanTrainingOptions options = tinyOptions(3);
  options.dSteps = 3;
  const GanTrainingResult full = train(data, options, straight.path());
  const GanArchitecture arch = loadGanGenerator(full.generatorFolder)->net()->arch;
  GanDiscriminatorNet d(arch);
  GanGeneratorNet g(arch);
  const std::vector<int64_t> dUpdates = adamSteps(straight / "run" / "checkpoint.pt", "opt_d", *d);
  const std::vector<int64_t> gUpdates = adamSteps(straight / "run" / "checkpoint.pt", "opt_g", *g);
  ASSERT_EQ(dUpdates.size(), d->parameters().size());
  ASSERT_EQ(gUpdates.size(), g->parameters().size());
  for (const int64_t n : dUpdates) EXPECT_EQ(n, 9) << "3 steps x 3 D updates";
  for (const int64_t n : gUpdates) EXPECT_EQ(n, 3) << "one G update a step";

  GanTrainingOptions firstTwo = options;
  firstTwo.steps = 2;
  train(data, firstTwo, interrupted.path());
  expectSameGenerator(full.generatorFolder, train(data, options, interrupted.path()).generatorFolder);

  const GanTrainingResult single = train(data, tinyOptions(3), once.path());
  EXPECT_FALSE(torch::equal(loadGanGenerator(full.generatorFolder)->net()->parameters()[0],
                            loadGanGenerator(single.generatorFolder)->net()->parameters()[0]))
      << "more D updates change G's training";
}

RunSettings ganSettings(double lrD) {
  ConfigSchema schema;
  schema.addFloat("gan.lr_d", 4e-4, "D learning rate");
  schema.addInt("gan.steps", 4000, "steps").role(KeyRole::Extent);
  return RunSettings(Config::fromToml(schema, "", "test", {fmt::format("gan.lr_d={}", lrD)}), schema, {"gan"});
}

TEST(GanTrainer, MoreStepsContinueButOtherSettingsAreRefused) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  GanTrainingOptions options = tinyOptions(2);
  options.settings = ganSettings(4e-4);
  train(data, options, dir.path());
  options.steps = 4;  // gan.steps is not a deciding setting: training can be extended
  EXPECT_EQ(train(data, options, dir.path()).steps, 4);
  options.steps = 6;
  options.settings = ganSettings(1e-3);
  const std::string refusal = test::errorOf<std::invalid_argument>([&] { train(data, options, dir.path()); });
  EXPECT_NE(refusal.find("other settings (gan.lr_d: 0.0004 -> 0.001)"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("gan.resume=false"), std::string::npos) << refusal;
}

TEST(GanTrainer, ADivergingRunStopsWithTheStepsInputsWrittenOut) {
  test::TempDir dir;
  const RealDataset data = test::tinyDataset(64, 16, 2, 8);
  GanTrainingOptions options = tinyOptions(50);
  options.lrD = 1e38;  // Adam moves each weight by ~lr per step: D overflows at once
  options.lrG = 1e38;
  const std::string error = test::errorOf<std::runtime_error>([&] { train(data, options, dir.path()); });
  EXPECT_NE(error.find("GAN training diverged"), std::string::npos) << error;
  EXPECT_NE(error.find("(run.seed 3)"), std::string::npos) << error;
  std::vector<std::filesystem::path> dumps;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "run")) {
    if (entry.path().extension() == ".json" && entry.path().filename().string().rfind("failure-step-", 0) == 0) dumps.push_back(entry);
  }
  ASSERT_EQ(dumps.size(), 1u) << error;
  const nlohmann::json described = readJsonFile(dumps[0]);
  EXPECT_NE(error.find("at step " + std::to_string(described["step"].get<int64_t>())), std::string::npos) << error;
  EXPECT_EQ(described["seed"], 3);
  const nlohmann::json& inputs = described["inputs"];
  EXPECT_TRUE(inputs.contains("fake_latents") || inputs.contains("latents")) << inputs.dump();
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
