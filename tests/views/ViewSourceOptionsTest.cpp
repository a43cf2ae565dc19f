#include "genrep/views/ViewSourceOptions.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/dist/DataParallel.h"
#include "support/EchoGenerator.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"

namespace genrep {
namespace {

using test::EchoGenerator;

ViewSourceOptions optionsOf(SourceKind kind) {
  ViewSourceOptions o;
  o.kind = kind;
  o.generator.latent.kind = LatentViewKind::Gaussian;
  o.generator.viewsPerAnchor = 3;
  o.seed = 4;
  return o;
}

bool startsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

TEST(ViewSourceOptions, EveryKindHasOneNameAndBuildsItsSource) {
  for (const auto& [kind, name] : sourceKinds()) EXPECT_EQ(valueNamed(sourceKinds(), name), kind);
  auto generator = std::make_shared<EchoGenerator>(3);
  const RealDataset dataset = test::tinyDataset(32, 8, 2, 8);

  auto generated = makeViewSource(optionsOf(SourceKind::Generator), generator, nullptr, torch::kCPU);
  EXPECT_TRUE(startsWith(generated->describe(), "generator (echo)")) << generated->describe();
  EXPECT_EQ(generated->viewsPerAnchor(), 3);
  EXPECT_EQ(generated->batch(0, 5).views.size(0), 15);

  ViewSourceOptions refreshed = optionsOf(SourceKind::Generator);
  refreshed.refresh = 0.5;
  refreshed.window = 64;
  auto window = makeViewSource(refreshed, generator, nullptr, torch::kCPU);
  EXPECT_NE(window->describe().find("refresh 0.5 of each batch, window 64 anchors"), std::string::npos) << window->describe();

  auto real = makeViewSource(optionsOf(SourceKind::Real), nullptr, &dataset, torch::kCPU);
  EXPECT_TRUE(startsWith(real->describe(), "real images")) << real->describe();
  EXPECT_EQ(real->classes(), 2);
  EXPECT_EQ(real->viewsPerAnchor(), 3) << "views.count holds for real images too";

  ViewSourceOptions shards = optionsOf(SourceKind::Shards);
  shards.shards = std::filesystem::path(GENREP_FIXTURE_DIR) / "shards-v1";
  shards.generator.viewsPerAnchor = 2;
  auto offline = makeViewSource(shards, nullptr, nullptr, torch::kCPU);
  EXPECT_EQ(offline->batch(0, 4).views.sizes(), (std::vector<int64_t>{8, 1, 8, 8}));
}

TEST(ViewSourceOptions, EachRankDrawsFromItsOwnStreams) {
  auto generator = std::make_shared<EchoGenerator>(3);
  const ViewSourceOptions options = optionsOf(SourceKind::Generator);
  const ViewBatch rank1 = makeViewSource(options, generator, nullptr, torch::kCPU, 1)->batch(7, 4);
  GeneratorViewOptions direct = options.generator;
  direct.seed = rankSeed(options.seed, 1);
  const ViewBatch expected = GeneratorViewSource(generator, direct, torch::kCPU).batch(7, 4);
  EXPECT_TRUE(torch::equal(rank1.views, expected.views)) << "rank r's source is seeded with rankSeed(seed, r)";
  EXPECT_FALSE(torch::equal(makeViewSource(options, generator, nullptr, torch::kCPU, 0)->batch(7, 4).views, rank1.views));
}

TEST(ViewSourceOptions, AMissingPartIsNamedByItsSetting) {
  auto generator = std::make_shared<EchoGenerator>(3);
  const RealDataset squares = test::tinyDataset(32, 8, 2, 8);  // 8x8, the generator's are 4x8
  const auto error = [&](SourceKind kind, std::shared_ptr<Generator> g, const RealDataset* d) {
    return test::errorOf<std::invalid_argument>([&] { makeViewSource(optionsOf(kind), g, d, torch::kCPU); });
  };
  EXPECT_NE(error(SourceKind::Generator, nullptr, nullptr).find("gen.path"), std::string::npos);
  EXPECT_NE(error(SourceKind::Real, nullptr, nullptr).find("data.*"), std::string::npos);
  EXPECT_NE(error(SourceKind::Mix, generator, nullptr).find("source.kind=mix needs a real dataset"), std::string::npos);
  EXPECT_NE(error(SourceKind::Mix, generator, &squares).find("differ in shape"), std::string::npos);
  EXPECT_NE(error(SourceKind::Shards, nullptr, nullptr).find("source.path"), std::string::npos);
}

}  // namespace
}  // namespace genrep
