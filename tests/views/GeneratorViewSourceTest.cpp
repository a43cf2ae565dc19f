#include "genrep/views/GeneratorViewSource.h"

#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/gen/GanGenerator.h"
#include "genrep/views/MixedViewSource.h"
#include "support/EchoGenerator.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::EchoGenerator;


GeneratorViewOptions noPixels(LatentViewKind kind, int64_t views) {
  GeneratorViewOptions o;
  o.latent = {kind, 0.5, 1.0, false, nullptr};
  o.pixel.enabled = false;
  o.viewsPerAnchor = views;
  o.pool = 4;
  o.seed = 9;
  return o;
}

torch::Tensor latentsInImages(const ViewBatch& b) { return b.views.select(1, 0).select(1, 0).slice(1, 0, 6) * 4; }

TEST(GeneratorViewSource, LaysOutViewsViewMajorWithTheirLatentsIdsAndClasses) {
  auto generator = std::make_shared<EchoGenerator>(10);
  GeneratorViewSource source(generator, noPixels(LatentViewKind::Gaussian, 3), torch::kCPU);
  const ViewBatch b = source.batch(2, 4);
  EXPECT_EQ(generator->calls, 1) << "anchors and neighbours in one generator call";
  EXPECT_EQ(b.anchors, 4);
  EXPECT_EQ(b.viewsPerAnchor, 3);
  EXPECT_EQ(b.views.sizes(), (std::vector<int64_t>{12, 1, 4, 8}));
  EXPECT_TRUE(torch::equal(b.anchorIds, torch::tensor({0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}, torch::kInt64)));
  EXPECT_TRUE(torch::allclose(latentsInImages(b), b.latents, 1e-5, 1e-6)) << "each view is paired with its own z";
  const torch::Tensor y = b.classes.view({3, 4});
  EXPECT_TRUE(torch::equal(y[0], y[1]) && torch::equal(y[0], y[2])) << "neighbours keep the anchor's class";
  EXPECT_TRUE(torch::allclose(b.views.select(1, 0).select(1, 1).select(1, 0) * 10, b.classes.to(torch::kFloat32), 1e-5, 1e-5));

  // View 0 is the anchor of the stream: index step * B + b.
  const LatentSampler sampler({LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr}, 6, 10, 9);
  for (int64_t a = 0; a < 4; ++a) {
    const LatentCode code = sampler.anchor(static_cast<uint64_t>(2 * 4 + a));
    EXPECT_TRUE(torch::allclose(b.latents[a], torch::tensor(code.z), 0, 0));
    EXPECT_EQ(b.classes[a].item<int64_t>(), code.y);
  }
  EXPECT_FALSE(torch::allclose(b.latents[0], b.latents[4])) << "the neighbour moved";
  EXPECT_TRUE(b.synthetic.all().item<bool>());
}

TEST(GeneratorViewSource, LatentViewNoneGeneratesEachAnchorOnce) {
  auto generator = std::make_shared<EchoGenerator>(10);
  GeneratorViewOptions options = noPixels(LatentViewKind::None, 2);
  GeneratorViewSource source(generator, options, torch::kCPU);
  const ViewBatch b = source.batch(0, 5);
  EXPECT_TRUE(torch::equal(b.views.slice(0, 0, 5), b.views.slice(0, 5))) << "without Tx both views are the same image";
  options.pixel.enabled = true;
  GeneratorViewSource withPixels(generator, options, torch::kCPU);
  const ViewBatch p = withPixels.batch(0, 5);
  EXPECT_FALSE(torch::allclose(p.views.slice(0, 0, 5), p.views.slice(0, 5))) << "with Tx the views differ";
}

TEST(GeneratorViewSource, AStepAlwaysGivesTheSameViews) {
  GeneratorViewOptions options = noPixels(LatentViewKind::Gaussian, 2);
  options.pixel.enabled = true;
  GeneratorViewSource a(std::make_shared<EchoGenerator>(10), options, torch::kCPU);
  GeneratorViewSource b(std::make_shared<EchoGenerator>(10), options, torch::kCPU);
  EXPECT_TRUE(torch::equal(a.batch(7, 6).views, b.batch(7, 6).views));
  EXPECT_FALSE(torch::equal(a.batch(7, 6).views, a.batch(8, 6).views));
}

TEST(GeneratorViewSource, AFixedSetOfAnchorsIsReusedAcrossSteps) {
  GeneratorViewOptions options = noPixels(LatentViewKind::Gaussian, 2);
  options.anchors = 3;
  GeneratorViewSource source(std::make_shared<EchoGenerator>(10), options, torch::kCPU);
  std::set<std::vector<float>> anchors, neighbours;
  for (int64_t step = 0; step < 20; ++step) {
    const ViewBatch b = source.batch(step, 4);
    for (int64_t row = 0; row < 8; ++row) {
      const torch::Tensor z = b.latents[row].contiguous();
      std::vector<float> key(z.data_ptr<float>(), z.data_ptr<float>() + 6);
      (row < 4 ? anchors : neighbours).insert(key);
    }
  }
  EXPECT_EQ(anchors.size(), 3u);
  EXPECT_EQ(neighbours.size(), 12u) << "3 anchors x a pool of 4 neighbours";
}

TEST(GeneratorViewSource, AFixedSetKeepsItsImagesAndGivesTheSameViews) {
  GeneratorViewOptions options = noPixels(LatentViewKind::Gaussian, 3);
  options.pixel.enabled = true;
  options.anchors = 100;
  auto keeping = std::make_shared<EchoGenerator>(10), making = std::make_shared<EchoGenerator>(10);
  GeneratorViewSource cached(keeping, options, torch::kCPU);
  options.cacheMegabytes = 0;
  GeneratorViewSource uncached(making, options, torch::kCPU);
  EXPECT_TRUE(cached.caching());
  EXPECT_FALSE(uncached.caching());
  for (int64_t step = 0; step < 30; ++step) {
    const ViewBatch a = cached.batch(step, 16), b = uncached.batch(step, 16);
    ASSERT_TRUE(torch::equal(a.views, b.views)) << "step " << step;
    ASSERT_TRUE(torch::equal(a.latents, b.latents));
    ASSERT_TRUE(torch::equal(a.classes, b.classes));
    ASSERT_TRUE(torch::equal(a.anchorIds, b.anchorIds));
  }
  EXPECT_EQ(making->rows, 30 * 16 * 3);
  EXPECT_LE(keeping->rows, 100 * (1 + 4)) << "each image of the set made at most once";
  EXPECT_EQ(static_cast<int64_t>(cached.cachedImages()), keeping->rows);
}

TEST(GeneratorViewSource, AKeptImageDoesNotDependOnTheStepThatMetItFirst) {
  // A real network, whose rows may round differently in batches of other sizes: an image is made
  // in its chunk's own call, so a source that starts at step 10 (a resumed run) sees step 10 as
  // one that ran steps 0-9 first.
  GanArchitecture arch;
  arch.latentDim = 6;
  arch.classes = 3;
  arch.channels = 1;
  arch.height = arch.width = 8;
  arch.widthG = 8;
  arch.widthD = 4;
  torch::manual_seed(3);
  GanGeneratorNet net(arch);
  auto generator = std::make_shared<GanGenerator>(net, nlohmann::json::object());
  GeneratorViewOptions options = noPixels(LatentViewKind::Gaussian, 2);
  options.anchors = 150;
  GeneratorViewSource ran(generator, options, torch::kCPU), resumed(generator, options, torch::kCPU);
  for (int64_t step = 0; step < 10; ++step) ran.batch(step, 24);
  EXPECT_TRUE(torch::equal(ran.batch(10, 24).views, resumed.batch(10, 24).views));
  EXPECT_GT(ran.cachedImages(), resumed.cachedImages());
}

TEST(GeneratorViewSource, OnlyAFixedSetThatFitsIsKept) {
  GeneratorViewOptions options = noPixels(LatentViewKind::Gaussian, 2);
  EXPECT_FALSE(GeneratorViewSource(std::make_shared<EchoGenerator>(10), options, torch::kCPU).caching()) << "a stream";
  options.anchors = 10000;  // 10 000 x (1 + 4) images of 4 x 8 floats: 6.1 MiB
  options.cacheMegabytes = 6;
  EXPECT_FALSE(GeneratorViewSource(std::make_shared<EchoGenerator>(10), options, torch::kCPU).caching());
  options.cacheMegabytes = 7;
  EXPECT_TRUE(GeneratorViewSource(std::make_shared<EchoGenerator>(10), options, torch::kCPU).caching());
  options.cacheMegabytes = -1;
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { GeneratorViewSource(std::make_shared<EchoGenerator>(10), options, torch::kCPU); })
                .find("views.cache_mb"),
            std::string::npos);
}

TEST(GeneratorViewSource, NaNImagesAndImpossibleSettingsAreErrors) {
  GeneratorViewSource source(std::make_shared<EchoGenerator>(10, true), noPixels(LatentViewKind::Gaussian, 2), torch::kCPU);
  EXPECT_NE(test::errorOf<std::runtime_error>([&] { source.batch(0, 2); }).find("NaN"), std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] {
              GeneratorViewSource(std::make_shared<EchoGenerator>(0), noPixels(LatentViewKind::Independent, 2), torch::kCPU);
            }).find("conditional"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] {
              GeneratorViewSource(std::make_shared<EchoGenerator>(10), noPixels(LatentViewKind::Gaussian, 1), torch::kCPU);
            }).find("views.count"),
            std::string::npos);
}

TEST(MixedViewSource, ConcatenatesAnchorsViewByView) {
  GeneratorViewSource source(std::make_shared<EchoGenerator>(10), noPixels(LatentViewKind::Gaussian, 2), torch::kCPU);
  ViewBatch a = source.batch(0, 2), b = source.batch(1, 3);
  b.synthetic.fill_(false);
  const ViewBatch joined = concatAnchors(a, b);
  EXPECT_EQ(joined.anchors, 5);
  EXPECT_TRUE(torch::equal(joined.anchorIds, torch::tensor({0, 1, 2, 3, 4, 0, 1, 2, 3, 4}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(joined.views.slice(0, 0, 2), a.views.slice(0, 0, 2)));
  EXPECT_TRUE(torch::equal(joined.views.slice(0, 2, 5), b.views.slice(0, 0, 3)));
  EXPECT_TRUE(torch::equal(joined.views.slice(0, 5, 7), a.views.slice(0, 2, 4)));
  EXPECT_TRUE(torch::equal(joined.views.slice(0, 7, 10), b.views.slice(0, 3, 6)));
  EXPECT_TRUE(torch::equal(joined.synthetic, torch::tensor({1, 1, 0, 0, 0, 1, 1, 0, 0, 0}).to(torch::kBool)));
}

}  // namespace
}  // namespace genrep
