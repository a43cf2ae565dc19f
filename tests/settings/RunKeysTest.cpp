#include "genrep/settings/RunKeys.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/settings/DataKeys.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

Config resolve(const std::vector<std::string>& overrides) {
  ConfigSchema schema;
  addRunKeys(schema);
  addDeviceKey(schema);
  addDatasetKeys(schema);
  return Config::fromToml(schema, "", "test", overrides);
}

TEST(RunKeys, DefaultsAreRunOptionsOwnAndSetValuesLandInTheirFields) {
  const RunOptions defaults = runOptionsFromConfig(resolve({}));
  const RunOptions expected;
  EXPECT_EQ(defaults.root, expected.root);
  EXPECT_EQ(defaults.name, expected.name);
  EXPECT_EQ(defaults.threads, expected.threads);
  EXPECT_EQ(defaults.seed, expected.seed);
  EXPECT_EQ(defaults.resumeChanged, expected.resumeChanged);
  EXPECT_EQ(defaults.timeoutSeconds, expected.timeoutSeconds);
  EXPECT_EQ(deviceFromConfig(resolve({})), "auto");

  const RunOptions set = runOptionsFromConfig(
      resolve({"run.root=/tmp/r", "run.name=x", "run.threads=3", "run.seed=42", "run.resume_changed=true", "run.timeout_s=9"}));
  EXPECT_EQ(set.root, "/tmp/r");
  EXPECT_EQ(set.name, "x");
  EXPECT_EQ(set.threads, 3);
  EXPECT_EQ(set.seed, 42u);
  EXPECT_TRUE(set.resumeChanged);
  EXPECT_EQ(set.timeoutSeconds, 9);
}

TEST(RunKeys, OutOfRangeValuesAreRefusedNamingTheKey) {
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { runOptionsFromConfig(resolve({"run.timeout_s=0"})); }),
            "run.timeout_s is 0; it must be >= 1");
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { runOptionsFromConfig(resolve({"run.seed=-3"})); }),
            "run.seed is -3; it must be >= 0");
}

TEST(DataKeys, DefaultsAreDatasetSpecsOwn) {
  const DatasetSpec spec = datasetSpecFromConfig(resolve({"data.format=cifar10", "data.val_fraction=0.25"}));
  EXPECT_EQ(spec.format, "cifar10");
  EXPECT_EQ(spec.valFraction, 0.25);
  EXPECT_EQ(spec.testFraction, DatasetSpec{}.testFraction);
  EXPECT_EQ(spec.channels, DatasetSpec{}.channels);
}

}  // namespace
}  // namespace genrep
