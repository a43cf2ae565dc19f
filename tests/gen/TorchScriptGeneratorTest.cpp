#include "genrep/gen/TorchScriptGenerator.h"

#include <cstdio>

#include <gtest/gtest.h>
#include <torch/script.h>

#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/gen/Latents.h"
#include "genrep/learn/EncoderTrainer.h"
#include "genrep/learn/Objective.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/views/GeneratorViewSource.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

const std::filesystem::path kFixtures = GENREP_FIXTURE_DIR;

double maxError(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// A TorchScript generator folder defined here: `source` is the TorchScript of forward.
void writeScripted(const std::filesystem::path& folder, const std::string& source, const nlohmann::json& manifest) {
  std::filesystem::create_directories(folder);
  torch::jit::Module module("TestGenerator");
  module.define(source);
  module.save((folder / "module.pt").string());
  nlohmann::json m = {{"format", "genrep-generator"}, {"version", 1}, {"kind", "torchscript"}, {"module", "module.pt"}};
  m.update(manifest);
  test::writeText(folder / "manifest.json", m.dump());
}

const char* kTanhOfZ = R"(
def forward(self, z):
    return torch.tanh(z[:, :4].reshape(z.size(0), 1, 2, 2))
)";

TEST(TorchScriptGenerator, AnExportOfOurGanMakesTheSameImagesAsTheNativeOne) {
  std::unique_ptr<Generator> native = loadGenerator(kFixtures / "gan-native");
  std::unique_ptr<Generator> byIndex = loadGenerator(kFixtures / "gan-torchscript");
  std::unique_ptr<Generator> oneHot = loadGenerator(kFixtures / "gan-onehot");
  EXPECT_EQ(byIndex->info().latentDim, 8);
  EXPECT_EQ(byIndex->info().classes, 3);
  EXPECT_EQ(oneHot->info().height, 8);
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(3);
  const torch::Tensor z = sampleLatents(64, 8, 1.0, rng);  // [64, 8]
  const torch::Tensor y = sampleClasses(64, 3, rng);       // [64]
  torch::NoGradGuard noGrad;
  const torch::Tensor expected = native->sample(z, y);
  const double indexError = maxError(byIndex->sample(z, y), expected);
  const double oneHotError = maxError(oneHot->sample(z, y), expected);
  std::printf("native vs TorchScript export: max error %.3g (index), %.3g (one-hot)\n", indexError, oneHotError);
  EXPECT_LT(indexError, 1e-5);
  EXPECT_LT(oneHotError, 1e-5);
  EXPECT_GT(expected.std().item<double>(), 0.05);  // the images are not constant
}

// channels_last changes the weights' layout, not the function: native and TorchScript
// generators switched over make the images they made before (to float rounding).
TEST(Generator, ChannelsLastMakesTheSameImages) {
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(5);
  const torch::Tensor z = sampleLatents(32, 8, 1.0, rng);  // [32, 8]
  const torch::Tensor y = sampleClasses(32, 3, rng);       // [32]
  torch::NoGradGuard noGrad;
  for (const char* folder : {"gan-native", "gan-torchscript"}) {
    std::unique_ptr<Generator> generator = loadGenerator(kFixtures / folder);
    const torch::Tensor before = generator->sample(z, y);
    EXPECT_TRUE(generator->useChannelsLast("views.generator_channels_last"));  // 3x3 layers only: safe on every CPU
    const double error = maxError(generator->sample(z, y), before);
    std::printf("%s: channels_last vs NCHW images, max error %.3g\n", folder, error);
    EXPECT_LT(error, 1e-5) << folder;
  }
  GanGenerator native = std::move(*loadGanGenerator(kFixtures / "gan-native"));
  EXPECT_TRUE(native.useChannelsLast("views.generator_channels_last"));
  for (const auto& p : native.net()->named_parameters()) {
    if (p.value().dim() == 4) {
      EXPECT_TRUE(p.value().is_contiguous(torch::MemoryFormat::ChannelsLast)) << p.key();
    }
  }
}

TEST(TorchScriptGenerator, AnExportTrainsTheSameEncoderAsTheNativeGan) {
  const auto train = [](const std::string& folder) {
    std::shared_ptr<Generator> generator = loadGenerator(kFixtures / folder);
    GeneratorViewOptions views;
    views.seed = 4;
    GeneratorViewSource source(generator, views, torch::kCPU);
    torch::manual_seed(5);
    ResNetEncoder encoder(EncoderArch{1, 2, 1, 4});
    std::shared_ptr<Objective> objective = makeObjective({ObjectiveKind::SimClr, 0.1, 0.07, 8}, encoder->arch().featureDim(), 3, 8);
    EncoderTrainingOptions options;
    options.steps = 4;
    options.batch = 16;
    options.checkpointEvery = 100;
    options.seed = 1;
    test::TempDir dir;
    MetricsLog metrics(dir / "metrics.jsonl");
    const EncoderTrainingResult result = trainEncoder(encoder, *objective, source, options, dir / "checkpoint.pt", metrics);
    std::vector<torch::Tensor> parameters;
    for (const torch::Tensor& p : encoder->parameters()) parameters.push_back(p.detach().clone());
    return std::make_pair(result.finalLoss, parameters);
  };
  const auto [nativeLoss, nativeParameters] = train("gan-native");
  const auto [scriptLoss, scriptParameters] = train("gan-torchscript");
  double error = 0;
  for (size_t i = 0; i < nativeParameters.size(); ++i) error = std::max(error, maxError(nativeParameters[i], scriptParameters[i]));
  std::printf("4 SimCLR steps: loss %.6f (native) vs %.6f (TorchScript), parameters max error %.3g\n", nativeLoss, scriptLoss, error);
  EXPECT_NEAR(nativeLoss, scriptLoss, 1e-4);
  EXPECT_LT(error, 1e-4);
}

TEST(TorchScriptGenerator, PassesTheClassAsAnIndexAndTheTruncationItsManifestNames) {
  test::TempDir dir;
  writeScripted(dir.path(), R"(
def forward(self, z, y, truncation: float):
    v = z.sum(1) * truncation + y.float()
    return v.view(z.size(0), 1, 1, 1).expand(z.size(0), 1, 2, 2) * 0.01
)",
                {{"latent_dim", 3}, {"classes", 5}, {"class_input", "index"}, {"image_shape", {1, 2, 2}},
                 {"truncation", {{"argument", true}, {"value", 0.5}}}});
  std::unique_ptr<Generator> g = loadGenerator(dir.path());
  const torch::Tensor z = torch::tensor({{1.0F, 2.0F, 3.0F}, {0.0F, 0.0F, -1.0F}});
  const torch::Tensor x = g->sample(z, torch::tensor({int64_t{4}, int64_t{1}}));  // [2, 1, 2, 2]
  EXPECT_NEAR(x[0][0][1][1].item<double>(), (6.0 * 0.5 + 4) * 0.01, 1e-6);
  EXPECT_NEAR(x[1][0][0][0].item<double>(), (-1.0 * 0.5 + 1) * 0.01, 1e-6);
}

TEST(TorchScriptGenerator, AManifestThatDoesNotMatchItsModuleIsRefusedWithTheReason) {
  test::TempDir dir;
  const auto errorFor = [&dir](const std::string& name, const std::string& source, const nlohmann::json& manifest) {
    writeScripted(dir / name, source, manifest);
    return test::errorOf<std::invalid_argument>([&] { loadGenerator(dir / name); });
  };
  const nlohmann::json good = {{"latent_dim", 4}, {"image_shape", {1, 2, 2}}};
  writeScripted(dir / "good", kTanhOfZ, good);
  EXPECT_NO_THROW(loadGenerator(dir / "good"));

  nlohmann::json m = good;
  m["latent_dim"] = 3;
  EXPECT_NE(errorFor("latent", kTanhOfZ, m).find("forward failed"), std::string::npos);
  m = good;
  m["image_shape"] = {3, 2, 2};
  EXPECT_NE(errorFor("shape", kTanhOfZ, m).find("image_shape"), std::string::npos);
  m = good;
  m["output_range"] = {0.0, 1.0};
  EXPECT_NE(errorFor("range", kTanhOfZ, m).find("output_range"), std::string::npos);
  EXPECT_NE(errorFor("nan", "def forward(self, z):\n    return torch.full([z.size(0), 1, 2, 2], float('nan'))\n", good)
                .find("NaN"),
            std::string::npos);
  EXPECT_NE(errorFor("tuple", "def forward(self, z):\n    return (z, z)\n", good).find("not a tensor"), std::string::npos);
  m = good;
  m["classes"] = 10;
  EXPECT_NE(errorFor("classes", kTanhOfZ, m).find("forward failed"), std::string::npos);
  m["class_input"] = "none";
  EXPECT_NE(errorFor("classinput", kTanhOfZ, m).find("class_input"), std::string::npos);
  m = good;
  m["latent_size"] = 4;
  EXPECT_NE(errorFor("unknown", kTanhOfZ, m).find("unknown key \"latent_size\""), std::string::npos);
  m = good;
  m.erase("image_shape");
  EXPECT_NE(errorFor("noshape", kTanhOfZ, m).find("image_shape are required"), std::string::npos);

  writeScripted(dir / "corrupt", kTanhOfZ, good);
  test::writeText(dir / "corrupt" / "module.pt", "not a zip archive");
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadGenerator(dir / "corrupt"); }).find("not a TorchScript module"),
            std::string::npos);
  std::filesystem::remove(dir / "corrupt" / "module.pt");
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadGenerator(dir / "corrupt"); }).find("no such TorchScript module"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadGenerator(dir / "absent"); }).find("no manifest.json"),
            std::string::npos);
}

}  // namespace
}  // namespace genrep
