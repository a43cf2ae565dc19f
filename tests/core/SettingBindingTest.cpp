// SettingBinding: one declaration gives the schema (defaults from the struct), the filled
// options and the range checks with their error text.
#include "genrep/core/SettingBinding.h"

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

enum class Shape { Round, Square };

struct ToyOptions {
  int64_t steps = 40;
  double rate = 0.5;
  bool fast = true;
  std::string name = "toy";
  std::filesystem::path out;
  Shape shape = Shape::Square;
  std::vector<double> sigmas{0.1, 0.5, 2.0};
  int64_t unbound = 7;  // not a setting: read() leaves it alone
};

const SettingBinding<ToyOptions>& toySettings() {
  static const SettingBinding<ToyOptions> binding =
      SettingBinding<ToyOptions>()
          .add("toy.steps", &ToyOptions::steps, "steps", Bounds<int64_t>::atLeast(1))
          .add("toy.rate", &ToyOptions::rate, "a rate", Bounds<double>::closedOpen(0, 1))
          .add("toy.fast", &ToyOptions::fast, "go fast")
          .add("toy.name", &ToyOptions::name, "a name", {"toy", "game"})
          .add("toy.out", &ToyOptions::out, "where")
          .add("toy.shape", &ToyOptions::shape, "its shape", {{Shape::Round, "round"}, {Shape::Square, "square"}})
          .add("toy.sigmas", &ToyOptions::sigmas, "steps", Bounds<double>::above(0));
  return binding;
}

Config resolve(const std::vector<std::string>& overrides) {
  ConfigSchema schema;
  toySettings().addKeys(schema);
  return Config::resolve(schema, "", overrides);
}

TEST(SettingBinding, TheSchemaTakesItsDefaultsFromTheStruct) {
  ConfigSchema schema;
  toySettings().addKeys(schema);
  ASSERT_NE(schema.find("toy.steps"), nullptr);
  EXPECT_EQ(std::get<int64_t>(schema.find("toy.steps")->defaultValue), 40);
  EXPECT_EQ(std::get<double>(schema.find("toy.rate")->defaultValue), 0.5);
  EXPECT_EQ(std::get<std::string>(schema.find("toy.shape")->defaultValue), "square");
  EXPECT_EQ(schema.find("toy.shape")->choices, (std::vector<std::string>{"round", "square"}));
  EXPECT_EQ(schema.find("toy.rate")->help, "a rate");
  EXPECT_EQ(std::get<std::string>(schema.find("toy.sigmas")->defaultValue), "0.1,0.5,2");
  EXPECT_EQ(toySettings().keys().size(), 7u);
  // Another struct value gives other defaults (a command's own budget, say).
  ToyOptions quick;
  quick.steps = 3;
  ConfigSchema quickSchema;
  toySettings().addKeys(quickSchema, quick);
  EXPECT_EQ(std::get<int64_t>(quickSchema.find("toy.steps")->defaultValue), 3);
}

TEST(SettingBinding, ReadFillsEveryBoundFieldAndNoOther) {
  const ToyOptions defaults = toySettings().read(resolve({}));
  EXPECT_EQ(defaults.steps, 40);
  EXPECT_EQ(defaults.shape, Shape::Square);
  EXPECT_EQ(defaults.sigmas, (std::vector<double>{0.1, 0.5, 2.0}));
  ToyOptions o;
  o.unbound = 99;
  toySettings().read(resolve({"toy.steps=5", "toy.rate=0.25", "toy.fast=false", "toy.name=game", "toy.out=a/b", "toy.shape=round",
                               "toy.sigmas=0.25, 1e-3"}),
                      o);
  EXPECT_EQ(o.steps, 5);
  EXPECT_EQ(o.rate, 0.25);
  EXPECT_FALSE(o.fast);
  EXPECT_EQ(o.name, "game");
  EXPECT_EQ(o.out, std::filesystem::path("a/b"));
  EXPECT_EQ(o.shape, Shape::Round);
  EXPECT_EQ(o.sigmas, (std::vector<double>{0.25, 1e-3}));
  EXPECT_EQ(o.unbound, 99);
  EXPECT_TRUE(toySettings().read(resolve({"toy.sigmas="})).sigmas.empty()) << "an empty list is no numbers";
}

TEST(SettingBinding, OutOfRangeValuesNameTheKeyTheValueAndTheRange) {
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { toySettings().read(resolve({"toy.steps=0"})); }), "toy.steps is 0; it must be >= 1");
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { toySettings().read(resolve({"toy.rate=1"})); }), "toy.rate is 1; it must be in [0, 1)");
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { toySettings().read(resolve({"toy.sigmas=0.5,0"})); }),
            "toy.sigmas is 0; it must be > 0");
  EXPECT_EQ(test::errorOf<std::invalid_argument>([] { toySettings().read(resolve({"toy.sigmas=0.5,x"})); }),
            "toy.sigmas: 'x' is not a number (write a comma-separated list, e.g. \"0.25,0.5,1.0\")");
  EXPECT_EQ(Bounds<double>::above(0).describe(), "> 0");
  EXPECT_TRUE(Bounds<double>::closed(0, 1).admits(1.0));
  EXPECT_FALSE(Bounds<double>::above(0).admits(0.0));
  // Choices are the schema's: an unknown name is refused before read() sees it.
  EXPECT_THROW(resolve({"toy.shape=oval"}), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
