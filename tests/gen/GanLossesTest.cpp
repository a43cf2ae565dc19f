#include "genrep/gen/GanLosses.h"

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(GanLosses, HingeLossesOnHandComputedValues) {
  const torch::Tensor real = torch::tensor({2.0, 0.5, -1.0});
  const torch::Tensor fake = torch::tensor({-2.0, 0.0, 1.0});
  // relu(1 - real) = [0, 0.5, 2] -> 5/6; relu(1 + fake) = [0, 1, 2] -> 1.
  EXPECT_NEAR(hingeDiscriminatorLoss(real, fake).item<double>(), 5.0 / 6.0 + 1.0, 1e-6);
  EXPECT_NEAR(hingeGeneratorLoss(fake).item<double>(), 1.0 / 3.0, 1e-6);
}

TEST(GanLosses, ConfidentDiscriminatorHasZeroLossAndNoGradient) {
  const torch::Tensor real = torch::tensor({1.5, 3.0}, torch::requires_grad());
  const torch::Tensor fake = torch::tensor({-1.5, -4.0}, torch::requires_grad());
  const torch::Tensor loss = hingeDiscriminatorLoss(real, fake);
  EXPECT_EQ(loss.item<double>(), 0.0);
  loss.backward();
  EXPECT_EQ(real.grad().abs().sum().item<double>(), 0.0);
  EXPECT_EQ(fake.grad().abs().sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace genrep
