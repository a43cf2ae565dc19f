#include "genrep/runtime/CheckpointArchive.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

namespace nn = torch::nn;

TEST(CheckpointArchive, PartsTensorsAndValuesComeBackBitForBitUnderTheirHeader) {
  test::TempDir dir;
  const std::filesystem::path file = dir / "checkpoint.pt";
  torch::manual_seed(3);
  nn::Linear saved(5, 4);
  torch::optim::Adam optimiser(saved->parameters(), torch::optim::AdamOptions(1e-3));
  saved->forward(torch::randn({2, 5})).sum().backward();
  optimiser.step();  // an optimiser with state: Adam's moments
  const torch::Tensor noise = torch::randn({3, 7}, torch::kFloat64);

  CheckpointWriter out;
  out.part("model", *saved);
  out.part("optimiser", optimiser);
  out.write("noise", noise);
  out.write("step_seed", c10::IValue(int64_t{12345}));
  out.commit(file, {"test-training", 2, 17, R"({"run.seed":0})", "ignored"});

  const std::optional<CheckpointFile> found = readLatestCheckpoint(file, "test-training", 2);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->step, 17);
  EXPECT_EQ(found->settings, R"({"run.seed":0})");
  EXPECT_NE(found->payload, "ignored") << "the header's payload is replaced by the archive";

  torch::manual_seed(4);
  nn::Linear loaded(5, 4);
  torch::optim::Adam loadedOptimiser(loaded->parameters(), torch::optim::AdamOptions(1e-3));
  CheckpointReader in(*found);
  in.part("model", *loaded);
  in.part("optimiser", loadedOptimiser);
  EXPECT_TRUE(torch::equal(loaded->weight, saved->weight));
  EXPECT_TRUE(torch::equal(loaded->bias, saved->bias));
  EXPECT_TRUE(torch::equal(in.tensor("noise"), noise));
  EXPECT_EQ(in.value("step_seed").toInt(), 12345);

  // The optimiser's state came back too: one more identical step keeps the two equal.
  optimiser.zero_grad();
  loadedOptimiser.zero_grad();
  saved->forward(torch::ones({2, 5})).sum().backward();
  loaded->forward(torch::ones({2, 5})).sum().backward();
  optimiser.step();
  loadedOptimiser.step();
  EXPECT_TRUE(torch::equal(loaded->weight, saved->weight));
}

TEST(CheckpointArchive, APayloadThatIsNoArchiveIsRefused) {
  const CheckpointFile notAnArchive{"test-training", 1, 0, "{}", "these bytes are no LibTorch archive"};
  EXPECT_THROW(CheckpointReader{notAnArchive}, std::runtime_error);
}

}  // namespace
}  // namespace genrep
