// The code paths that take run.device, on each device this build can run: the CPU always, and a
// CUDA device where this machine has one (a GPU machine runs them through scripts/gpu_check.sh).
// A device that is not here skips with the reason; it never fails or passes in its place.
#include "genrep/runtime/Device.h"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/MetricsLog.h"
#include "genrep/eval/FeatureSet.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/learn/EncoderTrainer.h"
#include "genrep/runtime/Runtime.h"
#include "genrep/views/GeneratorViewSource.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"

namespace genrep {
namespace {

// Why `name` cannot run here, or "" when it can.
std::string missing(const std::string& name) {
  if (name == "cpu" || torch::cuda::is_available()) return "";
  return libtorchHasCuda() ? "no CUDA device on this machine (this LibTorch has CUDA: a GPU machine runs this, scripts/gpu_check.sh)"
                           : "this LibTorch was built without CUDA";
}

class OnDevice : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (const std::string why = missing(GetParam()); !why.empty()) GTEST_SKIP() << GetParam() << ": " << why;
    device_ = selectDevice(GetParam());
  }
  torch::Device device_{torch::kCPU};
};

INSTANTIATE_TEST_SUITE_P(Devices, OnDevice, ::testing::Values("cpu", "cuda"),
                         [](const ::testing::TestParamInfo<std::string>& device) { return device.param; });

// Generator, latent and pixel views, a training run and the probes' features, all on the
// device: the losses fall and stay finite, and the features match the same encoder's on the CPU.
TEST_P(OnDevice, GeneratesViewsTrainsAndEncodesThere) {
  test::TempDir dir;
  std::shared_ptr<Generator> generator = loadGenerator(std::filesystem::path(GENREP_FIXTURE_DIR) / "gan-native");
  generator->to(device_);
  GeneratorViewOptions views;
  views.latent = {LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr};
  views.seed = 3;
  GeneratorViewSource source(generator, views, device_);
  const ViewBatch batch = source.batch(0, 4);
  EXPECT_EQ(batch.views.device(), device_);
  EXPECT_TRUE(torch::isfinite(batch.views).all().item<bool>());

  torch::manual_seed(5);
  const EncoderArch arch{1, 2, 1, 4};
  ResNetEncoder encoder(arch);
  encoder->to(device_);
  auto objective = makeObjective({ObjectiveKind::SimClr, 0.1, 0.07, 8}, arch.featureDim(), 0, 0);
  objective->to(device_);
  EncoderTrainingOptions options;
  options.steps = 20;
  options.batch = 16;
  options.lrPer256 = 1.0;
  options.logEvery = 5;
  options.checkpointEvery = 10;
  MetricsLog metrics(dir / "metrics.jsonl");
  const EncoderTrainingResult r = trainEncoder(encoder, *objective, source, options, dir / "checkpoint.pt", metrics);
  EXPECT_TRUE(std::isfinite(r.finalLoss));
  EXPECT_LT(r.finalLoss, r.firstLoss);
  EXPECT_EQ(encoder->parameters().front().device(), device_);

  const RealDataset data = test::tinyDataset(32, 16, 2, 8);
  const FeatureSet here = encoderFeatures(encoder, data, FeatureLimits(), device_);
  encoder->to(torch::kCPU);
  const FeatureSet onCpu = encoderFeatures(encoder, data, FeatureLimits(), torch::kCPU);
  EXPECT_TRUE(torch::allclose(here.test.cpu(), onCpu.test, 1e-3, 1e-4));
}

TEST(Device, NamesAreCheckedAndAMissingGpuIsOneClearError) {
  EXPECT_EQ(selectDevice("cpu"), torch::Device(torch::kCPU));
  if (!torch::cuda::is_available()) {
    EXPECT_EQ(selectDevice("auto"), torch::Device(torch::kCPU));
    EXPECT_NE(test::errorOf<std::invalid_argument>([] { selectDevice("cuda"); }).find("run.device=cuda: "), std::string::npos);
    EXPECT_NE(test::errorOf<std::invalid_argument>([] { selectDevice("cuda:1"); }).find("use run.device=cpu"), std::string::npos);
  }
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { selectDevice("tpu"); }).find("unknown device"), std::string::npos);
}

}  // namespace
}  // namespace genrep
