// genrep's torchvision-layout encoders against torchvision itself (the venv's torchvision, on
// the same PyTorch as genrep's LibTorch: support/ReferencePython.h): the saved encoder.pt loads into torchvision.models.<kind>
// with only fc missing, and the same input gives the same features.
#include <cstdlib>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "genrep/learn/EncoderFile.h"
#include "genrep/learn/ResNetEncoder.h"
#include "support/Fixtures.h"
#include "support/ReferencePython.h"

namespace genrep {
namespace {

// An encoder with batch-norm statistics that are not the initial ones (a few training-mode passes).
ResNetEncoder trainedLooking(const EncoderArch& arch, int64_t size) {
  torch::manual_seed(7);
  ResNetEncoder encoder(arch);
  encoder->train();
  torch::NoGradGuard noGrad;
  for (int i = 0; i < 3; ++i) encoder->forward(torch::randn({4, arch.channels, size, size}) * 0.5 + 0.1);
  encoder->eval();
  return encoder;
}

struct Case {
  EncoderKind kind;
  EncoderStem stem;
  int64_t channels, size, featureDim;
  InputNorm norm = InputNorm::None;
};

TEST(TorchvisionLayout, EncodersLoadIntoTorchvisionAndGiveTheSameFeatures) {
  if (!test::referencePythonHas("torchvision")) GTEST_SKIP() << test::referencePythonMissing("torchvision");
  test::TempDir dir;
  for (const Case& c : {Case{EncoderKind::ResNet18, EncoderStem::ImageNet, 3, 64, 512, InputNorm::ImageNet},
                        Case{EncoderKind::ResNet34, EncoderStem::ImageNet, 3, 64, 512},
                        Case{EncoderKind::ResNet50, EncoderStem::ImageNet, 3, 112, 2048}, Case{EncoderKind::ResNet18, EncoderStem::Cifar, 1, 28, 512}}) {
    EncoderArch arch;
    arch.kind = c.kind;
    arch.stem = c.stem;
    arch.channels = c.channels;
    arch.inputNorm = c.norm;
    const std::string name = fmt::format("{}-{}", *nameOf(encoderKinds(), c.kind), *nameOf(encoderStems(), c.stem));
    SCOPED_TRACE(name);
    ResNetEncoder encoder = trainedLooking(arch, c.size);
    const torch::Tensor x = torch::rand({2, c.channels, c.size, c.size}) * 2 - 1;  // [B, C, H, W] in [-1, 1]
    torch::Tensor features;
    {
      torch::NoGradGuard noGrad;
      features = encoder->forward(x);  // [B, F]
    }
    ASSERT_EQ(features.sizes(), (std::vector<int64_t>{2, c.featureDim}));
    saveEncoder(dir / name, encoder, {{"objective", "none"}});
    for (const auto& [file, tensor] : {std::pair{name + "-x.pt", x}, {name + "-features.pt", features}}) {
      const std::vector<char> bytes = torch::pickle_save(tensor);
      test::writeBytes(dir / file, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }
    const std::string command = fmt::format("{} {}/scripts/check_torchvision_encoder.py {} {} {} > {} 2>&1", test::referencePython(), GENREP_SOURCE_DIR,
                                            (dir / name).string(), (dir / (name + "-x.pt")).string(),
                                            (dir / (name + "-features.pt")).string(), (dir / (name + ".log")).string());
    const int status = std::system(command.c_str());
    const std::string log = readFileText(dir / (name + ".log"));
    std::printf("%s", log.c_str());
    EXPECT_EQ(status, 0) << log;
    EXPECT_NE(log.find("missing ['fc.bias', 'fc.weight']; unexpected []"), std::string::npos) << log;

    // And back: the saved weights make the same encoder in genrep.
    ResNetEncoder loaded = loadEncoder(dir / name);
    loaded->eval();
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::equal(loaded->forward(x), features));
  }
}

// encoder.input_norm=imagenet: the same network on ImageNet-normalised [0, 1] pixels, with no
// extra tensor in its state (the weights stay torchvision's).
TEST(TorchvisionLayout, ImageNetNormalisationIsThePlainEncoderOnNormalisedPixels) {
  EncoderArch plain;
  plain.kind = EncoderKind::ResNet18;
  plain.channels = 3;
  EncoderArch normalised = plain;
  normalised.inputNorm = InputNorm::ImageNet;
  torch::manual_seed(2);
  ResNetEncoder a(plain);
  torch::manual_seed(2);
  ResNetEncoder b(normalised);
  a->eval();
  b->eval();
  EXPECT_EQ(a->named_parameters().size(), b->named_parameters().size());
  EXPECT_EQ(a->named_buffers().size(), b->named_buffers().size());
  const torch::Tensor x = torch::rand({2, 3, 32, 32}) * 2 - 1;  // [B, 3, H, W] in [-1, 1]
  const torch::Tensor mean = torch::tensor({0.485f, 0.456f, 0.406f}).view({1, 3, 1, 1});
  const torch::Tensor std = torch::tensor({0.229f, 0.224f, 0.225f}).view({1, 3, 1, 1});
  torch::NoGradGuard noGrad;
  EXPECT_TRUE(torch::allclose(b->forward(x), a->forward(((x + 1) / 2 - mean) / std), 1e-5, 1e-5));
  EXPECT_EQ(EncoderArch::fromJson(normalised.toJson()).inputNorm, InputNorm::ImageNet);
  EncoderArch grey = normalised;
  grey.channels = 1;
  EXPECT_THROW(ResNetEncoder{grey}, std::invalid_argument);
}

TEST(TorchvisionLayout, NamesShapesAndCostAreTorchvisions) {
  EncoderArch arch;
  arch.kind = EncoderKind::ResNet50;
  arch.channels = 3;
  ResNetEncoder encoder(arch);
  const auto params = encoder->named_parameters();
  EXPECT_TRUE(params.contains("conv1.weight"));
  EXPECT_TRUE(params.contains("layer1.0.downsample.0.weight"));
  EXPECT_TRUE(params.contains("layer4.2.conv3.weight"));
  EXPECT_EQ(params["layer2.0.conv2.weight"].sizes(), (std::vector<int64_t>{128, 128, 3, 3})) << "the stride sits on the 3x3 conv";
  int64_t count = 0;
  for (const auto& p : params) count += p.value().numel();
  EXPECT_EQ(count, 25557032 - 2048 * 1000 - 1000) << "torchvision's ResNet-50 without fc";
  EXPECT_EQ(arch.featureDim(), 2048);
  // ResNet-50 at 224 px: the commonly quoted 4.1 G multiply-adds (convolutions; fc and the rest are < 1 %).
  std::printf("ResNet-50 at 224 px: %.4f GMAC\n", static_cast<double>(arch.forwardFlops(224, 224)) / 2e9);
  EXPECT_NEAR(static_cast<double>(arch.forwardFlops(224, 224)) / 2e9, 4.09, 0.03);
  EXPECT_EQ(EncoderArch::fromJson(arch.toJson()).toJson(), arch.toJson());
  EXPECT_THROW(EncoderArch::fromJson({{"type", "resnet101"}, {"channels", 3}}), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
