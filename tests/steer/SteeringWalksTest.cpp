#include "genrep/steer/SteeringWalks.h"

#include <cmath>

#include <gtest/gtest.h>

#include "genrep/views/LatentView.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

SteeringWalks twoWalks() {
  SteeringWalks w;
  w.latentDim = 3;
  w.generator = {{"path", "g"}};
  w.walks.push_back({"zoom", 0.5, 2.0, true, {1.0F, 0.0F, 0.0F}, {{"achieved", 0.5}}});
  w.walks.push_back({"shift_x", -0.25, 0.25, false, {0.0F, 2.0F, 0.0F}, {}});
  return w;
}

TEST(SteeringWalks, StepsMapEveryRangeOntoMinusOneToOneWithZeroForNoEdit) {
  const SteeringWalks w = twoWalks();
  EXPECT_NEAR(w.walks[0].step(1.0), 0.0, 1e-12);
  EXPECT_NEAR(w.walks[0].step(2.0), 1.0, 1e-12);
  EXPECT_NEAR(w.walks[0].step(0.5), -1.0, 1e-12);
  EXPECT_NEAR(w.walks[1].step(-0.25), -1.0, 1e-12);
  EXPECT_NEAR(w.walks[1].step(0.125), 0.5, 1e-12);
  RandomStream rng(1);
  double below = 0, logSum = 0;
  for (int i = 0; i < 20000; ++i) {
    const double zoom = w.walks[0].drawAlpha(rng);
    ASSERT_GE(zoom, 0.5);
    ASSERT_LE(zoom, 2.0);
    below += zoom < 1.0;
    logSum += std::log(zoom);
  }
  EXPECT_NEAR(below / 20000, 0.5, 0.02);  // log-uniform: as often below 1 as above
  EXPECT_NEAR(logSum / 20000, 0.0, 0.02);
}

TEST(SteeringWalks, SaveAndLoadKeepEveryWalkAndRefuseBrokenFiles) {
  test::TempDir dir;
  saveSteeringWalks(dir / "w", twoWalks());
  const SteeringWalks back = loadSteeringWalks(dir / "w");
  ASSERT_EQ(back.walks.size(), 2u);
  EXPECT_EQ(back.walks[1].edit, "shift_x");
  EXPECT_EQ(back.walks[1].direction, (std::vector<float>{0.0F, 2.0F, 0.0F}));
  EXPECT_TRUE(back.walks[0].logScale);
  EXPECT_EQ(back.walks[0].report["achieved"], 0.5);
  EXPECT_EQ(walksFingerprint(back), walksFingerprint(twoWalks()));
  SteeringWalks other = twoWalks();
  other.walks[1].direction[1] = 2.5F;
  EXPECT_NE(walksFingerprint(other), walksFingerprint(twoWalks()));

  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadSteeringWalks(dir / "none"); }).find("genrep steer train"),
            std::string::npos);
  test::writeText(dir / "bad" / "walks.json",
                  R"({"format": "genrep-walks", "version": 1, "latent_dim": 4, "walks": [{"edit": "zoom", "min": 0.5, "max": 2,
                      "direction": [1, 2]}]})");
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadSteeringWalks(dir / "bad"); }).find("has 2 values, latent_dim is 4"),
            std::string::npos);
}

TEST(SteeringWalks, TheSteeringViewMovesZAlongEveryWalkByItsDrawnAmount) {
  auto walks = std::make_shared<const SteeringWalks>(twoWalks());
  const LatentSampler sampler({LatentViewKind::Steering, 0.5, 1.0, false, walks}, 3, 0, 4);
  EXPECT_EQ(sampler.paramDim(), 2);
  const LatentCode anchor = sampler.neighbour(5, 0);
  EXPECT_EQ(anchor.params, (std::vector<float>{1.0F, 0.0F}));  // no zoom, no shift
  for (uint64_t k = 1; k < 5; ++k) {
    const LatentCode view = sampler.neighbour(5, k);
    ASSERT_EQ(view.params.size(), 2u);
    const double zoomStep = walks->walks[0].step(view.params[0]);
    const double shiftStep = walks->walks[1].step(view.params[1]);
    EXPECT_NEAR(view.z[0] - anchor.z[0], zoomStep * 1.0, 1e-5);
    EXPECT_NEAR(view.z[1] - anchor.z[1], shiftStep * 2.0, 1e-5);
    EXPECT_NEAR(view.z[2], anchor.z[2], 1e-6);
  }
  EXPECT_THROW(LatentSampler({LatentViewKind::Steering, 0.5, 1.0, false, walks}, 4, 0, 4), std::invalid_argument);
  EXPECT_THROW(LatentSampler({LatentViewKind::Steering, 0.5, 1.0, false, nullptr}, 3, 0, 4), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
