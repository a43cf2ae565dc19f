#include "genrep/study/StudyDefinition.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/InstallPaths.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

// The keys a study may vary in these tests, beside the study's own.
ConfigSchema studySchema() {
  ConfigSchema schema;
  addStudyKeys(schema);
  addRunKeys(schema);
  addDatasetKeys(schema);
  schema.addFloat("views.sigma", 0.5, "step");
  schema.addInt("views.anchors", 0, "anchors");
  schema.addInt("views.pool", 1, "pool");
  schema.addInt("views.count", 2, "views");
  schema.addInt("learn.batch", 256, "batch");
  schema.addInt("learn.steps", 400, "steps");
  schema.addFloat("source.share", 0.5, "share");
  schema.addString("views.latent", "gaussian", "latent view");
  schema.addFloat("views.refresh", 1.0, "refresh");
  schema.addString("views.generator_precision", "fp32", "precision");
  schema.addString("learn.precision", "fp32", "precision");
  schema.addBool("learn.channels_last", false, "layout");
  return schema;
}

StudyDefinition fromToml(const std::string& toml) {
  const ConfigSchema schema = studySchema();
  return studyFromConfig(Config::fromToml(schema, toml, "test", {}), schema);
}

TEST(StudyDefinition, EveryShippedStudyLoadsAndItsComparisonsNameItsLines) {
  const std::vector<std::string> names = shippedStudyNames();
  EXPECT_EQ(names, (std::vector<std::string>{"budget", "methods", "mixing", "pool", "samples", "sigma", "switches", "viewcount", "views"}));
  const ConfigSchema schema = studySchema();
  for (const std::string& name : names) {
    StudyDefinition study = studyFromConfig(Config::resolve(schema, shippedStudyFile(name), {}), schema);
    EXPECT_EQ(study.name, name);
    EXPECT_FALSE(study.summary.empty()) << name;
    EXPECT_FALSE(study.comparisons.empty()) << name << " declares what it tests";
    const size_t declared = study.comparisons.size();
    settleComparisons(study, /*strict=*/true);  // throws for a comparison that names no line
    EXPECT_EQ(study.comparisons.size(), declared) << name;
    EXPECT_EQ(study.paperX.size(), study.paperY.size()) << name;
  }
}

TEST(StudyDefinition, ReadsANamedFieldPerKey) {
  const StudyDefinition study = fromToml(
      "[experiment]\nname = 'mine'\naxis = 'views.sigma'\nvalues = '0.25, 1.0'\nmethods = 'simclr-gaussian'\nreferences = 'pixels'\n"
      "compare = 'simclr-gaussian@1.0 vs pixels'\npaper_x = '1, 2'\npaper_y = '60.5, 61'\nlog_axis = true\n");
  EXPECT_EQ(study.name, "mine");
  EXPECT_EQ(study.values, (std::vector<std::string>{"0.25", "1.0"}));
  EXPECT_EQ(study.references, (std::vector<std::string>{"pixels"}));
  EXPECT_EQ(study.comparisons, (std::vector<std::string>{"simclr-gaussian@1.0 vs pixels"}));
  EXPECT_EQ(study.paperY, (std::vector<double>{60.5, 61}));
  EXPECT_TRUE(study.logAxis);
}

TEST(StudyDefinition, WithoutAnAxisItsMethodsAreATable) {
  const StudyDefinition study = fromToml("[experiment]\nmethods = 'simclr-tx, pixels'\n");
  EXPECT_TRUE(study.methods.empty());
  EXPECT_EQ(study.references, (std::vector<std::string>{"simclr-tx", "pixels"}));
}

TEST(StudyDefinition, QuickKeepsThreeValues) {
  const ConfigSchema schema = studySchema();
  const Config config = Config::fromToml(schema, "[experiment]\naxis = 'views.sigma'\nvalues = '1, 2, 3, 4, 5'\nmethods = 'simclr-gaussian'\n", "test", {});
  EXPECT_EQ(studyFromConfig(config, schema, /*quick=*/true).values, (std::vector<std::string>{"1", "3", "5"}));
}

TEST(StudyDefinition, PresetComparisonsWithoutTheirLinesAreDroppedAndTheUsersRefused) {
  StudyDefinition study = fromToml("[experiment]\naxis = 'views.sigma'\nvalues = '0.25'\nmethods = 'simclr-gaussian'\n"
                                   "compare = 'simclr-gaussian@0.25 vs simclr-tx, @each vs @0.25'\n");
  StudyDefinition strict = study;
  EXPECT_THROW(settleComparisons(strict, true), std::invalid_argument);
  settleComparisons(study, false);
  EXPECT_EQ(study.comparisons, (std::vector<std::string>{"@each vs @0.25"}));
}

TEST(StudyDefinition, RefusesBadStudiesNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[experiment]\nvalues = '1'\nmethods = 'simclr-tx'\n", "experiment.values: values but no experiment.axis"},
      {"[experiment]\naxis = 'views.sigam'\nvalues = '1'\nmethods = 'simclr-tx'\n", "did you mean 'views.sigma'"},
      {"[experiment]\naxis = 'run.seed'\nvalues = '1'\nmethods = 'simclr-tx'\n", "not a setting a study can vary"},
      {"[experiment]\naxis = 'views.sigma'\nmethods = 'simclr-tx'\n", "experiment.values: no values"},
      {"[experiment]\naxis = 'views.sigma'\nvalues = '1'\nmethods = 'byol'\n", "unknown method 'byol'"},
      {"[experiment]\nmethods = ''\n", "no methods to compare"},
      {"[experiment]\naxis = 'views.sigma'\nvalues = '1'\nmethods = 'simclr-tx'\naxis2 = 'views.sigma'\nvalues2 = '2'\n", "the first axis already"},
      {"[experiment]\naxis = 'views.sigma'\nvalues = '1'\nmethods = 'simclr-tx'\nvalues2 = '2'\n", "values but no experiment.axis2"},
      {"[experiment]\nmethods = 'pixels'\npaper_x = '1, 2'\npaper_y = '3'\n", "experiment.paper_y"},
  };
  for (const auto& [toml, expected] : cases) {
    try {
      fromToml(toml);
      ADD_FAILURE() << "accepted:\n" << toml;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
    }
  }
  EXPECT_THROW(shippedStudyFile("sgima"), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
