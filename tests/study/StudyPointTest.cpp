#include "genrep/study/StudyPoint.h"

#include <gtest/gtest.h>

#include "genrep/study/MethodTable.h"
#include "genrep/study/StudyDefinition.h"

namespace genrep {
namespace {

StudyDefinition twoAxes() {
  StudyDefinition study;
  study.axis = "views.count";
  study.values = {"2", "4|learn.batch=128"};
  study.methods = {"simclr-gaussian", "simclr-tx"};
  study.references = {"pixels"};
  study.axis2 = "views.sigma";
  study.values2 = {"0.5", "1.0"};
  return study;
}

TEST(StudyPoint, EverySeedsGridIsWholeBeforeTheNextWithItsReferencesFirst) {
  const StudyDefinition study = twoAxes();
  const std::vector<StudyPoint> points = studyPoints(study, /*firstSeed=*/5, /*seeds=*/2);
  const size_t perSeed = 1 + 2 * 2 * 2;  // a reference, then value2 x value x method
  ASSERT_EQ(points.size(), 2 * perSeed);
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].seed, i < perSeed ? 5 : 6) << i;
  EXPECT_EQ(points[0].method->id, "pixels");
  EXPECT_EQ(points[0].value, "");
  EXPECT_EQ(points[0].value2, "");
  // value2 outermost, then the value, then the method.
  EXPECT_TRUE(points[1].is(findMethod("simclr-gaussian"), "2", "0.5"));
  EXPECT_TRUE(points[2].is(findMethod("simclr-tx"), "2", "0.5"));
  EXPECT_TRUE(points[3].is(findMethod("simclr-gaussian"), "4|learn.batch=128", "0.5"));
  EXPECT_TRUE(points[5].is(findMethod("simclr-gaussian"), "2", "1.0"));
  EXPECT_FALSE(points[5].is(findMethod("simclr-gaussian"), "2", "0.5"));
}

TEST(StudyPoint, OverridesAreTheMethodsThenTheAxisValuesWithTheirSettingsThenTheSeed) {
  const StudyDefinition study = twoAxes();
  const std::vector<StudyPoint> points = studyPoints(study, 0, 1);
  const StudyPoint& p = points[3];
  std::vector<std::string> expected = findMethod("simclr-gaussian")->overrides;
  expected.insert(expected.end(), {"views.count=4", "learn.batch=128", "views.sigma=0.5", "run.seed=0"});
  EXPECT_EQ(p.overrides, expected);
  const StudyPoint& reference = points[0];
  expected = findMethod("pixels")->overrides;
  expected.push_back("run.seed=0");
  EXPECT_EQ(reference.overrides, expected) << "the axes do not touch a reference";
}

TEST(StudyPoint, ATableOfMethodsHasOnlyReferencesAndItsLabelsNameNoAxis) {
  StudyDefinition study;
  study.references = {"simclr-tx", "pixels"};
  const std::vector<StudyPoint> points = studyPoints(study, 0, 3);
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(pointLabel(study, points[3]), "pixels seed 1");
  const StudyDefinition axes = twoAxes();
  const std::vector<StudyPoint> grid = studyPoints(axes, 0, 1);
  EXPECT_EQ(pointLabel(axes, grid[0]), "pixels views.count=(ref) seed 0");
  EXPECT_EQ(pointLabel(axes, grid[3]), "simclr-gaussian views.count=4|learn.batch=128 views.sigma=0.5 seed 0");
}

}  // namespace
}  // namespace genrep
