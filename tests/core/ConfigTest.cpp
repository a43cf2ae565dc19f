#include "genrep/core/Config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/Fixtures.h"

namespace genrep {
namespace {

ConfigSchema testSchema() {
  ConfigSchema schema;
  schema.addString("run.name", "", "run folder");
  schema.addInt("run.threads", 0, "threads");
  schema.addString("data.format", "fashion-mnist", "format", {"fashion-mnist", "cifar10"});
  schema.addFloat("data.val_fraction", 0.1, "validation share");
  schema.addBool("data.shuffle", true, "shuffle");
  return schema;
}

template <typename F>
std::string errorOf(F&& f) {
  return test::errorOf<std::invalid_argument>(std::forward<F>(f));
}

TEST(Config, DefaultsWithoutFileOrOverrides) {
  const Config config = Config::resolve(testSchema(), "", {});
  EXPECT_EQ(config.getString("data.format"), "fashion-mnist");
  EXPECT_DOUBLE_EQ(config.getFloat("data.val_fraction"), 0.1);
  EXPECT_EQ(config.getInt("run.threads"), 0);
  EXPECT_TRUE(config.getBool("data.shuffle"));
}

TEST(Config, FileValuesReplaceDefaultsAndOverridesWinOverTheFile) {
  test::TempDir dir;
  test::writeText(dir / "c.toml", "[data]\nformat = \"cifar10\"\nval_fraction = 0.25\n[run]\nthreads = 3\n");
  const Config fromFile = Config::resolve(testSchema(), dir / "c.toml", {});
  EXPECT_EQ(fromFile.getString("data.format"), "cifar10");
  EXPECT_DOUBLE_EQ(fromFile.getFloat("data.val_fraction"), 0.25);
  EXPECT_EQ(fromFile.getInt("run.threads"), 3);

  const Config overridden =
      Config::resolve(testSchema(), dir / "c.toml", {"data.val_fraction=0.5", "run.threads=1", "run.threads=2"});
  EXPECT_DOUBLE_EQ(overridden.getFloat("data.val_fraction"), 0.5);
  EXPECT_EQ(overridden.getInt("run.threads"), 2) << "later overrides win";
  EXPECT_EQ(overridden.getString("data.format"), "cifar10") << "keys not overridden keep the file's value";
}

TEST(Config, DottedKeysAndInlineTablesAreTheSameKeys) {
  const Config config = Config::fromToml(testSchema(), "data.val_fraction = 0.3\nrun = { threads = 5 }\n", "t.toml", {});
  EXPECT_DOUBLE_EQ(config.getFloat("data.val_fraction"), 0.3);
  EXPECT_EQ(config.getInt("run.threads"), 5);
}

TEST(Config, UnknownKeyInFileIsNamedWithLineAndSuggestion) {
  const std::string message =
      errorOf([] { Config::fromToml(testSchema(), "[data]\nformat = \"cifar10\"\nval_fractoin = 0.2\n", "my.toml", {}); });
  EXPECT_NE(message.find("my.toml:3"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'data.val_fractoin'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'data.val_fraction'"), std::string::npos) << message;
}

TEST(Config, UnknownSectionAndUnknownTopLevelKeyAreErrors) {
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "[model]\ndepth = 18\n", "a.toml", {}); }).find("unknown section [model] (known sections: run, data)"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "threads = 2\n", "a.toml", {}); }).find("did you mean 'run.threads'"),
            std::string::npos);
  // A section name used as a value is not silently accepted.
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "data = 3\n", "a.toml", {}); }).find("unknown key 'data'"),
            std::string::npos);
}

TEST(Config, WrongValueTypesInFileNameTheKeyAndBothTypes) {
  const std::string message = errorOf([] { Config::fromToml(testSchema(), "[data]\nval_fraction = \"lots\"\n", "b.toml", {}); });
  EXPECT_NE(message.find("'data.val_fraction' must be a float, got a string"), std::string::npos) << message;
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "[run]\nthreads = 2.5\n", "b.toml", {}); })
                .find("'run.threads' must be an integer, got a float"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "[data]\nshuffle = 1\n", "b.toml", {}); })
                .find("'data.shuffle' must be a boolean"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "[data]\nformat = [1, 2]\n", "b.toml", {}); })
                .find("must be a string, got an array"),
            std::string::npos);
}

TEST(Config, IntegerIsAcceptedForAFloatKey) {
  const Config config = Config::fromToml(testSchema(), "[data]\nval_fraction = 0\n", "c.toml", {});
  EXPECT_DOUBLE_EQ(config.getFloat("data.val_fraction"), 0.0);
}

TEST(Config, BadOverridesAreNamed) {
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"data.fromat=cifar10"}); }).find("did you mean 'data.format'"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"run.threads=two"}); })
                .find("key 'run.threads' must be an integer, got 'two'"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"run.threads=4x"}); }).find("run.threads"), std::string::npos);
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"data.val_fraction=nan"}); }).find("must be a float"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"data.shuffle=maybe"}); }).find("must be a boolean"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"run.threads"}); }).find("expected key=value"), std::string::npos);
}

TEST(Config, ChoicesAreEnforcedWhereverTheValueCameFrom) {
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "", {"data.format=imagenet"}); })
                .find("expected one of: fashion-mnist, cifar10"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Config::fromToml(testSchema(), "[data]\nformat = \"svhn\"\n", "d.toml", {}); }).find("data.format"),
            std::string::npos);
}

TEST(Config, MalformedTomlGivesFileAndLine) {
  const std::string message = errorOf([] { Config::fromToml(testSchema(), "[data]\nformat = \n", "broken.toml", {}); });
  EXPECT_NE(message.find("broken.toml:2"), std::string::npos) << message;
}

TEST(Config, MissingFileIsNamed) {
  EXPECT_NE(errorOf([] { Config::resolve(testSchema(), "/nonexistent/genrep.toml", {}); }).find("/nonexistent/genrep.toml"),
            std::string::npos);
}

TEST(Config, SavedTomlReadsBackToTheSameConfig) {
  const Config original = Config::resolve(testSchema(), "", {"data.format=cifar10", "data.val_fraction=0.125",
                                                             "run.name=it's \"quoted\"", "data.shuffle=false"});
  const Config reread = Config::fromToml(testSchema(), original.toToml(), "saved.toml", {});
  EXPECT_EQ(reread.toJson(), original.toJson());
  EXPECT_EQ(reread.getString("run.name"), "it's \"quoted\"");
}

TEST(Config, FloatWithoutFractionStaysAFloatInToml) {
  const Config original = Config::resolve(testSchema(), "", {"data.val_fraction=0"});
  EXPECT_NE(original.toToml().find("val_fraction = 0.0"), std::string::npos) << original.toToml();
}

TEST(Config, ReadingAKeyWithTheWrongTypeIsAProgrammingError) {
  const Config config = Config::resolve(testSchema(), "", {});
  EXPECT_THROW(config.getInt("data.val_fraction"), std::logic_error);
  EXPECT_THROW(config.getString("no.such"), std::logic_error);
}

TEST(ConfigSchema, RejectsDuplicateKeysAndKeyThatIsASection) {
  ConfigSchema schema = testSchema();
  EXPECT_THROW(schema.addInt("run.threads", 1, "again"), std::logic_error);
  EXPECT_THROW(schema.addInt("data", 1, "a section"), std::logic_error);
}

}  // namespace
}  // namespace genrep

namespace genrep {
namespace {

TEST(ConfigSchema, ACommandCanSetItsOwnDefaultForASharedKey) {
  ConfigSchema schema;
  schema.addInt("learn.steps", 500, "steps");
  schema.setDefault("learn.steps", int64_t{400});
  EXPECT_EQ(Config::resolve(schema, "", {}).getInt("learn.steps"), 400);
  EXPECT_EQ(Config::resolve(schema, "", {"learn.steps=7"}).getInt("learn.steps"), 7);
  EXPECT_THROW(schema.setDefault("learn.steps", 1.5), std::logic_error);
  EXPECT_THROW(schema.setDefault("learn.nothing", int64_t{1}), std::logic_error);
}

TEST(Config, PresetsSitBetweenTheDefaultsAndTheFileAndOverrides) {
  ConfigSchema schema;
  schema.addInt("a.x", 1, "x");
  schema.addInt("a.y", 1, "y");
  const Config preset = Config::fromToml(schema, "", "", {}, {"a.x=2", "a.y=2"});
  EXPECT_EQ(preset.getInt("a.x"), 2);
  const Config file = Config::fromToml(schema, "[a]\nx = 3\n", "file", {"a.y=4"}, {"a.x=2", "a.y=2"});
  EXPECT_EQ(file.getInt("a.x"), 3) << "the file wins over a preset";
  EXPECT_EQ(file.getInt("a.y"), 4) << "--set wins over a preset";
}

}  // namespace
}  // namespace genrep
