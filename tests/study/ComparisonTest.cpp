#include "genrep/study/Comparison.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace genrep {
namespace {

std::vector<std::string> names(const std::vector<Comparison>& comparisons) {
  std::vector<std::string> out;
  for (const Comparison& c : comparisons) out.push_back(c.name());
  return out;
}

const StudyLayout kSigma{{"simclr-gaussian"}, {"simclr-tx", "simclr-independent"}, {"0.25", "0.5", "2.0"}, {}};

TEST(Comparison, NamesOneLineAtOneColumnAgainstAReference) {
  EXPECT_EQ(names(expandComparison("simclr-gaussian@0.5 vs simclr-tx", kSigma)), (std::vector<std::string>{"simclr-gaussian@0.5 vs simclr-tx"}));
}

TEST(Comparison, EachStandsForEveryAxisValue) {
  EXPECT_EQ(names(expandComparison("simclr-gaussian@each vs simclr-tx", kSigma)),
            (std::vector<std::string>{"simclr-gaussian@0.25 vs simclr-tx", "simclr-gaussian@0.5 vs simclr-tx", "simclr-gaussian@2.0 vs simclr-tx"}));
  // Against a fixed value of the same line: every other value.
  EXPECT_EQ(names(expandComparison("@each vs @0.5", kSigma)),
            (std::vector<std::string>{"simclr-gaussian@0.25 vs simclr-gaussian@0.5", "simclr-gaussian@2.0 vs simclr-gaussian@0.5"}));
}

TEST(Comparison, AMethodlessSideIsEveryAxisMethod) {
  const StudyLayout mixing{{"mix-tx", "mix-gaussian"}, {}, {"0", "0.05", "1"}, {}};
  EXPECT_EQ(names(expandComparison("@1 vs @0", mixing)), (std::vector<std::string>{"mix-tx@1 vs mix-tx@0", "mix-gaussian@1 vs mix-gaussian@0"}));
}

TEST(Comparison, EachAgainstEachPairsTheSameColumn) {
  const StudyLayout budget{{"simclr-gaussian", "simclr-real"}, {}, {"200", "400"}, {}};
  EXPECT_EQ(names(expandComparison("simclr-gaussian@each vs simclr-real@each", budget)),
            (std::vector<std::string>{"simclr-gaussian@200 vs simclr-real@200", "simclr-gaussian@400 vs simclr-real@400"}));
}

TEST(Comparison, ATableOfMethodsComparesReferences) {
  const StudyLayout methods{{}, {"simclr-gaussian", "simclr-real", "supcon-gaussian"}, {}, {"supcon-gaussian"}};
  EXPECT_EQ(names(expandComparison("simclr-gaussian vs simclr-real", methods)), (std::vector<std::string>{"simclr-gaussian vs simclr-real"}));
  // A method the generator could not train: nothing to compare, no error.
  EXPECT_TRUE(expandComparison("supcon-gaussian vs simclr-real", methods).empty());
}

TEST(Comparison, RefusesWhatTheStudyLacksNamingTheKey) {
  for (const char* bad : {"simclr-gaussian@0.5", "simclr-gaussian@0.5 vs simclr-tx vs simclr-tx", "simclr-gaussian@0.3 vs simclr-tx",
                          "simclr-gaussian@0.5 vs supcon-real", "simclr-gaussian vs simclr-tx", "simclr-gaussian@0.5 vs simclr-tx@0.5",
                          "simclr-gaussian@ vs simclr-tx", " vs simclr-tx"}) {
    try {
      expandComparison(bad, kSigma);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("experiment.compare"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace genrep
