// The paper's setting end to end through the genrep binary, at a size a test can afford: RGB
// TorchScript generators at 32, 64 and 128 px defined here, torchvision's encoders (ResNet-50 on
// 112-px crops of the 128-px generator), evaluation on an RGB image folder and on CIFAR-10's
// binary format, and genrep's own GAN trained on RGB images.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/script.h>

#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

// An unconditional RGB generator of `size` px: the first 12 latent values as a 2x2 RGB image,
// resized bilinearly and squashed into [-1, 1].
fs::path rgbGenerator(const fs::path& folder, int64_t size) {
  fs::create_directories(folder);
  torch::jit::Module module("RgbGenerator");
  module.define(fmt::format(R"(
def forward(self, z):
    x = z[:, :12].reshape(z.size(0), 3, 2, 2)
    x = torch.upsample_bilinear2d(x, [{0}, {0}], False, None, None)
    return torch.tanh(x * 1.5)
)",
                            size));
  module.save((folder / "module.pt").string());
  test::writeText(folder / "manifest.json",
                  nlohmann::json{{"format", "genrep-generator"}, {"version", 1}, {"kind", "torchscript"}, {"module", "module.pt"},
                                 {"latent_dim", 16}, {"classes", 0}, {"class_input", "none"}, {"image_shape", {3, size, size}},
                                 {"output_range", {-1.0, 1.0}}, {"description", fmt::format("test RGB generator, {} px", size)}}
                      .dump());
  return folder;
}

// Two classes of 48-px RGB images: reddish and bluish, with per-image noise; train/ and test/.
fs::path rgbFolder(const fs::path& root) {
  for (const char* split : {"train", "test"}) {
    const int count = std::string(split) == "train" ? 24 : 8;
    for (int c = 0; c < 2; ++c) {
      for (int i = 0; i < count; ++i) {
        std::vector<uint8_t> pixels(3 * 48 * 48);
        for (size_t p = 0; p < pixels.size(); ++p) {
          const size_t channel = p / (48 * 48);
          const int base = (channel == 0) == (c == 0) ? 180 : 60;
          pixels[p] = static_cast<uint8_t>(base + static_cast<int>((p * 7919 + static_cast<size_t>(i) * 104729) % 50));
        }
        test::writePng(root / split / (c == 0 ? "red" : "blue") / fmt::format("{}.png", i), pixels, 3, 48, 48);
      }
    }
  }
  return root;
}

class RgbPipeline : public ::testing::Test {
 protected:
  test::CommandResult genrep(const std::string& args) {
    return test::runCommand(std::string(GENREP_BINARY) + " " + args + " --set run.root=" + quote(dir_ / "runs") + " --threads 2");
  }
  test::TempDir dir_;
};

TEST_F(RgbPipeline, TorchvisionEncodersTrainFromRgbGeneratorsAndEvaluateOnRgbImages) {
  const fs::path images = rgbFolder(dir_ / "rgb");
  const std::string small = " --steps 2 --batch 4";
  for (const int64_t size : {32, 64}) {
    const fs::path generator = rgbGenerator(dir_ / fmt::format("g{}", size), size);
    const auto trained = genrep(fmt::format("train --generator {} --set encoder.arch=resnet18 --set encoder.stem=cifar --format folder "
                                            "--path {} --set learn.monitor_every=1 --run-name r{}",
                                            quote(generator), quote(images), size) +
                                small);
    ASSERT_EQ(trained.status, 0) << trained.output;
    EXPECT_NE(trained.output.find("torchvision resnet18, cifar stem (512 features)"), std::string::npos) << trained.output;
    EXPECT_NE(trained.output.find("monitor    kNN top-1 every 1 steps"), std::string::npos) << trained.output;
  }

  // The paper's setting: ResNet-50 on 112-px crops of 128-px images, colour jitter in random order.
  const fs::path g128 = rgbGenerator(dir_ / "g128", 128);
  const auto paper = genrep("train --generator " + quote(g128) + " --set encoder.arch=resnet50 --set encoder.input_norm=imagenet --set views.crop_size=112"
                            " --set views.jitter_random_order=true --format folder --path " + quote(images) +
                            " --set learn.monitor_every=2 --run-name r128" + small);
  ASSERT_EQ(paper.status, 0) << paper.output;
  EXPECT_NE(paper.output.find("torchvision resnet50, imagenet stem, ImageNet normalisation (2048 features)"), std::string::npos)
      << paper.output;
  const nlohmann::json manifest = readJsonFile(dir_ / "runs" / "r128" / "encoder" / "encoder.json");
  EXPECT_EQ(manifest["architecture"]["type"], "resnet50");
  EXPECT_EQ(manifest["architecture"]["input_norm"], "imagenet");
  EXPECT_EQ(manifest["training"]["crop_size"], 112);
  const auto evaluated = genrep("eval --encoder " + quote(dir_ / "runs" / "r128" / "encoder") + " --format folder --path " + quote(images) +
                                " --run-name e128" + " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5"
                                " --set eval.linear_epochs=2 --set eval.few_shot_steps=5");
  ASSERT_EQ(evaluated.status, 0) << evaluated.output;
  const nlohmann::json eval = readJsonFile(dir_ / "runs" / "e128" / "eval.json");
  EXPECT_EQ(eval["input_transform"], "resize 48x48 to shorter side 128, centre crop 112") << eval.dump();
  EXPECT_EQ(eval["feature_dim"], 2048);

  // CIFAR-10's binary format: the real-data path with the CIFAR stem.
  const fs::path cifar = dir_ / "cifar";
  for (int b = 1; b <= 5; ++b) test::writeBytes(cifar / fmt::format("data_batch_{}.bin", b), test::cifarRecords(12, false));
  test::writeBytes(cifar / "test_batch.bin", test::cifarRecords(10, false));
  const auto real = genrep("train --source real --format cifar10 --path " + quote(cifar) +
                           " --set encoder.arch=resnet18 --set encoder.stem=cifar --set learn.monitor_every=1 --run-name cifar" + small);
  ASSERT_EQ(real.status, 0) << real.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "cifar" / "encoder" / "encoder.pt"));

  // genrep's own GAN on RGB images: a handful of steps.
  const auto gan = genrep("gan train --format folder --path " + quote(images) + " --steps 3 --set gan.batch=4 --set gan.latent_dim=8"
                          " --set gan.width_g=4 --set gan.width_d=4 --set gan.eval_every=0 --run-name gan");
  ASSERT_EQ(gan.status, 0) << gan.output;
  EXPECT_EQ(readJsonFile(dir_ / "runs" / "gan" / "generator" / "manifest.json")["image_shape"], nlohmann::json({3, 48, 48}));
}

}  // namespace
}  // namespace genrep
