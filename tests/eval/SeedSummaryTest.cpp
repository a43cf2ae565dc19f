#include "genrep/eval/SeedSummary.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

nlohmann::json probes(double linear, double knn, double fewShot, double fewShotSpread) {
  return {{"linear", {{"top1", linear}}}, {"knn", {{"top1", knn}}}, {"few_shot", {{"mean", fewShot}, {"spread", fewShotSpread}}}};
}

TEST(SeedSummary, MeanAndSampleSpreadOverSeedsWithThePerSeedValues) {
  nlohmann::json a = probes(0.70, 0.60, 0.50, 0.01), b = probes(0.74, 0.62, 0.56, 0.02), c = probes(0.72, 0.64, 0.53, 0.03);
  a["training"] = {{"views_per_second", 100.0}};
  b["training"] = {{"views_per_second", 200.0}};
  c["training"] = {{"views_per_second", 300.0}};
  const nlohmann::json row = summariseOverSeeds("simclr-tx", "SimCLR, Tx only", {a, b, c}, 5);
  EXPECT_EQ(row["method"], "simclr-tx");
  EXPECT_EQ(row["label"], "SimCLR, Tx only");
  EXPECT_NEAR(row["linear_top1"]["mean"].get<double>(), 0.72, 1e-12);
  EXPECT_NEAR(row["linear_top1"]["spread"].get<double>(), 0.02, 1e-12) << "sqrt((0.02^2 + 0.02^2 + 0) / 2)";
  EXPECT_NEAR(row["knn_top1"]["spread"].get<double>(), 0.02, 1e-12);
  EXPECT_NEAR(row["few_shot"]["mean"].get<double>(), 0.53, 1e-12);
  EXPECT_NEAR(row["few_shot"]["spread"].get<double>(), 0.03, 1e-12) << "over seeds, not over the draws";
  EXPECT_NEAR(row["views_per_second"].get<double>(), 200.0, 1e-9);
  ASSERT_EQ(row["per_seed"].size(), 3u);
  EXPECT_EQ(row["per_seed"][2]["seed"], 7);
  EXPECT_EQ(row["per_seed"][1]["linear_top1"], 0.74);
  EXPECT_EQ(row["per_seed"][0]["few_shot_spread_over_draws"], 0.01);
}

TEST(SeedSummary, OneSeedTakesTheFewShotSpreadOverItsDrawsAndBaselinesHaveNoSpeed) {
  const nlohmann::json row = summariseOverSeeds("pixels", "Raw pixels", {probes(0.8, 0.7, 0.6, 0.04)}, 0);
  EXPECT_EQ(row["linear_top1"]["spread"], 0.0);
  EXPECT_EQ(row["few_shot"]["spread"], 0.04);
  EXPECT_FALSE(row.contains("views_per_second"));
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { summariseOverSeeds("x", "x", {}, 0); }).find("no results"), std::string::npos);
}

}  // namespace
}  // namespace genrep
