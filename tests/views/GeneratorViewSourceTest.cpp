#include "genrep/views/GeneratorViewSource.h"

#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

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
