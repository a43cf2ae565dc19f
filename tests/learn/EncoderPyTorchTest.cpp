// genrep's encoder against PyTorch: a fixture written by scripts/make_encoder_fixture.py
// (the same ResNet built in PyTorch 1.13, weights saved with torch.save, eval-mode features).
#include <cstdio>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "genrep/learn/EncoderFile.h"

namespace genrep {
namespace {

const std::filesystem::path kFixture = std::filesystem::path(GENREP_FIXTURE_DIR) / "encoder-pytorch";

TEST(EncoderPyTorch, LoadsPyTorchWeightsAndMatchesItsFeatures) {
  ResNetEncoder encoder = loadEncoder(kFixture);
  std::ifstream in(kFixture / "io.pt", std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const c10::Dict<c10::IValue, c10::IValue> io = torch::pickle_load(bytes).toGenericDict();
  const torch::Tensor input = io.at("input").toTensor();        // [4, 1, 8, 8]
  const torch::Tensor expected = io.at("features").toTensor();  // [4, 8]
  encoder->eval();
  torch::NoGradGuard noGrad;
  const torch::Tensor features = encoder->forward(input);
  const double maxError = (features - expected).abs().max().item<double>();
  std::printf("encoder features vs PyTorch: max |error| %.3g\n", maxError);
  EXPECT_EQ(features.sizes(), expected.sizes());
  EXPECT_LT(maxError, 1e-5);
}

}  // namespace
}  // namespace genrep
