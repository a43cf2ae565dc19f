#include "genrep/steer/WalkTrainer.h"

#include <cstdio>

#include <gtest/gtest.h>

namespace genrep {
namespace {

// A differentiable test generator built so that latent directions are known image edits:
// a Gaussian blob whose centre is (7.5 + 3 z0, 7.5 + 3 z1) pixels and whose brightness
// follows z2; z3 changes nothing. A shift by 4 px (a quarter of the width) is exactly a step
// of 4/3 along z0 (x) or z1 (y).
class BlobGenerator : public Generator {
 public:
  BlobGenerator() { info_ = {4, 0, 1, 16, 16, -1.0, 1.0, "blob"}; }
  const GeneratorInfo& info() const override { return info_; }
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor&) override {
    const torch::Tensor grid = torch::arange(16, torch::kFloat32);                       // [16]
    const torch::Tensor cx = (7.5 + 3 * z.select(1, 0)).view({-1, 1, 1, 1});              // [B, 1, 1, 1]
    const torch::Tensor cy = (7.5 + 3 * z.select(1, 1)).view({-1, 1, 1, 1});
    const torch::Tensor amplitude = (0.6 + 0.2 * torch::tanh(z.select(1, 2))).view({-1, 1, 1, 1});
    const torch::Tensor dx = grid.view({1, 1, 1, 16}) - cx, dy = grid.view({1, 1, 16, 1}) - cy;
    return -1 + 2 * amplitude * torch::exp(-(dx * dx + dy * dy) / 8.0);                 // [B, 1, 16, 16]
  }
  void to(const torch::Device&) override {}

 private:
  GeneratorInfo info_;
};

double cosine(const std::vector<float>& w, int64_t axis) {
  double norm = 0;
  for (float v : w) norm += double{v} * v;
  return w[static_cast<size_t>(axis)] / std::sqrt(norm);
}

TEST(WalkTrainer, LearnsTheLatentDirectionThatIsAKnownImageShift) {
  BlobGenerator generator;
  WalkTrainingOptions options;
  options.edits = {{EditKind::ShiftX, defaultEditRange(EditKind::ShiftX)}, {EditKind::ShiftY, defaultEditRange(EditKind::ShiftY)}};
  options.steps = 150;
  options.batch = 32;
  options.lr = 0.05;
  options.truncation = 0.5;  // keep the blob inside the image
  options.seed = 3;
  const SteeringWalks walks = trainWalks(generator, options, torch::kCPU);
  ASSERT_EQ(walks.walks.size(), 2u);
  const SteeringWalk& x = walks.walks[0];
  const SteeringWalk& y = walks.walks[1];
  std::printf("shift_x walk [%.3f %.3f %.3f %.3f] cos %.4f, achieved %.3f; shift_y walk cos %.4f, achieved %.3f\n",
              x.direction[0], x.direction[1], x.direction[2], x.direction[3], cosine(x.direction, 0),
              x.report["achieved"].get<double>(), cosine(y.direction, 1), y.report["achieved"].get<double>());
  EXPECT_GT(cosine(x.direction, 0), 0.9);  // positive: a positive shift moves the blob right
  EXPECT_GT(cosine(y.direction, 1), 0.9);
  EXPECT_NEAR(x.direction[0], 4.0 / 3.0, 0.3);
  EXPECT_GT(x.report["achieved"].get<double>(), 0.5);
  EXPECT_LT(x.report["walk_mse"].get<double>(), x.report["identity_mse"].get<double>());
}

TEST(WalkTrainer, RefusesColourEditsOfAGreyGeneratorAndEmptyEditLists) {
  BlobGenerator generator;
  WalkTrainingOptions options;
  EXPECT_THROW(trainWalks(generator, options, torch::kCPU), std::invalid_argument);
  options.edits = {{EditKind::Red, defaultEditRange(EditKind::Red)}};
  EXPECT_THROW(trainWalks(generator, options, torch::kCPU), std::invalid_argument);
  EXPECT_EQ(defaultEdits(1).size(), 6u);
  EXPECT_EQ(defaultEdits(3).size(), 9u);
}

}  // namespace
}  // namespace genrep
