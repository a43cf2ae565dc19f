#include "genrep/study/PairedDifference.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

namespace genrep {
namespace {

const double kPi = std::acos(-1.0);

// Student's t quantile in closed form for 1 and 2 degrees of freedom (the Cauchy quantile, and
// t = (2p - 1) sqrt(2 / (4p(1 - p)))): the independent reference for Boost's.
double closedFormT(double p, int degrees) {
  if (degrees == 1) return std::tan(kPi * (p - 0.5));
  return (2 * p - 1) * std::sqrt(2 / (4 * p * (1 - p)));
}

TEST(StudentT, MatchesTheClosedFormsAtOneAndTwoDegrees) {
  for (const double p : {0.6, 0.9, 0.975, 0.995}) {
    EXPECT_NEAR(studentTQuantile(p, 1), closedFormT(p, 1), 1e-9 * closedFormT(p, 1)) << p;
    EXPECT_NEAR(studentTQuantile(p, 2), closedFormT(p, 2), 1e-9 * closedFormT(p, 2)) << p;
  }
  EXPECT_NEAR(studentTQuantile(0.025, 2), -closedFormT(0.975, 2), 1e-9);
}

TEST(StudentT, ApproachesTheNormalQuantileWithManyDegrees) {
  EXPECT_NEAR(studentTQuantile(0.975, 100000), 1.959963984540054, 1e-4);
}

TEST(StudentT, RefusesImpossibleArguments) {
  EXPECT_THROW(studentTQuantile(0, 2), std::invalid_argument);
  EXPECT_THROW(studentTQuantile(1, 2), std::invalid_argument);
  EXPECT_THROW(studentTQuantile(0.5, 0), std::invalid_argument);
}

TEST(PairedDifference, IsTheMeanOfPerSeedDifferencesWithATIntervalAroundIt) {
  const PairedDifference d = pairedDifference({{0, 86.1}, {1, 86.4}, {2, 86.0}}, {{0, 85.5}, {1, 85.9}, {2, 85.8}});
  ASSERT_EQ(d.seeds, (std::vector<int64_t>{0, 1, 2}));
  // A naive loop: the differences 0.6, 0.5, 0.2, their mean and sample deviation.
  const std::vector<double> expected = {0.6, 0.5, 0.2};
  double mean = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(d.differences[i], expected[i], 1e-12);
    mean += expected[i] / 3;
  }
  double squares = 0;
  for (const double x : expected) squares += (x - mean) * (x - mean);
  const double half = closedFormT(0.975, 2) * std::sqrt(squares / 2) / std::sqrt(3.0);
  EXPECT_NEAR(d.mean, mean, 1e-12);
  EXPECT_NEAR(d.low, mean - half, 1e-9);
  EXPECT_NEAR(d.high, mean + half, 1e-9);
  EXPECT_EQ(d.verdict, Verdict::WithinNoise);  // 0.43 ± 0.52 holds 0
}

TEST(PairedDifference, HoldsAboveZeroAndIsReversedBelow) {
  const std::map<int64_t, double> b = {{0, 80}, {1, 81}, {2, 82}};
  EXPECT_EQ(pairedDifference({{0, 81.0}, {1, 82.1}, {2, 82.9}}, b).verdict, Verdict::Holds);
  EXPECT_EQ(pairedDifference({{0, 79.0}, {1, 79.9}, {2, 81.1}}, b).verdict, Verdict::Reversed);
  // The same offsets unpaired would be within noise: the seeds' own spread (80 to 82) cancels.
}

TEST(PairedDifference, PairsOnlyTheSeedsBothSidesHave) {
  const PairedDifference d = pairedDifference({{0, 2.0}, {1, 3.0}, {5, 9.0}}, {{1, 1.0}, {2, 7.0}, {5, 4.0}});
  EXPECT_EQ(d.seeds, (std::vector<int64_t>{1, 5}));
  EXPECT_NEAR(d.mean, 3.5, 1e-12);
}

TEST(PairedDifference, OneSeedGivesNoVerdict) {
  const PairedDifference d = pairedDifference({{0, 86.0}}, {{0, 85.0}});
  EXPECT_EQ(d.verdict, Verdict::OneSeed);
  EXPECT_DOUBLE_EQ(d.mean, 1.0);
  EXPECT_DOUBLE_EQ(d.low, 1.0);
  EXPECT_EQ(*nameOf(verdictNames(), d.verdict), "1 seed: no verdict");
}

TEST(PairedDifference, RefusesSidesWithoutACommonSeed) {
  EXPECT_THROW(pairedDifference({{0, 1.0}}, {{1, 1.0}}), std::invalid_argument);
  EXPECT_THROW(pairedDifference({{0, 1.0}}, {{0, 1.0}}, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
