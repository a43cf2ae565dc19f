#include "genrep/views/RefreshedViewSource.h"

#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/EchoGenerator.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::EchoGenerator;

std::unique_ptr<GeneratorViewSource> stream(std::shared_ptr<EchoGenerator> generator, bool pixels = false) {
  GeneratorViewOptions o;
  o.latent = {LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr};
  o.pixel.enabled = pixels;
  o.viewsPerAnchor = 2;
  o.pool = 3;
  o.seed = 4;
  return std::make_unique<GeneratorViewSource>(std::move(generator), o, torch::kCPU);
}

torch::Tensor latentsInImages(const ViewBatch& b) { return b.views.select(1, 0).select(1, 0).slice(1, 0, 6) * 4; }

TEST(RefreshedViewSource, GeneratesOnlyTheFreshShareAndDrawsTheRestFromTheWindow) {
  auto generator = std::make_shared<EchoGenerator>(10);
  RefreshedViewSource source(stream(generator), 0.25, 16);
  EXPECT_EQ(source.freshPerStep(8), 2);
  for (int64_t step = 0; step < 6; ++step) {
    const std::vector<uint64_t> indices = source.anchorIndices(step, 8);
    ASSERT_EQ(indices.size(), 8u);
    EXPECT_EQ(indices[0], static_cast<uint64_t>(16 + 2 * step)) << "the fresh anchors come first, in stream order";
    EXPECT_EQ(indices[1], static_cast<uint64_t>(17 + 2 * step));
    const std::set<uint64_t> distinct(indices.begin(), indices.end());
    EXPECT_EQ(distinct.size(), 8u) << "no anchor twice in a batch (it would be its own negative)";
    for (size_t i = 2; i < indices.size(); ++i) {
      EXPECT_GE(indices[i], static_cast<uint64_t>(2 + 2 * step)) << "from the window of the 14 anchors before";
      EXPECT_LT(indices[i], static_cast<uint64_t>(16 + 2 * step));
    }
  }
  // Each view is paired with its own z, the reused ones too.
  for (int64_t step = 0; step < 40; ++step) {
    const ViewBatch b = source.batch(step, 8);
    ASSERT_TRUE(torch::allclose(latentsInImages(b), b.latents, 1e-5, 1e-6)) << "step " << step;
    EXPECT_TRUE(torch::equal(b.anchorIds, torch::arange(8).repeat({2})));
    // The first batch fills the window (16 anchors, its own 2 fresh ones among them); every
    // later step generates its 2 fresh anchors and nothing else, where the stream makes 8.
    EXPECT_EQ(source.generatedAnchors(), 16 + 2 * step) << "step " << step;
  }
}

TEST(RefreshedViewSource, ABatchIsAPureFunctionOfTheStepSoAResumedRunSeesTheSameViews) {
  RefreshedViewSource straight(stream(std::make_shared<EchoGenerator>(10), true), 0.5, 12);
  ViewBatch last;
  for (int64_t step = 0; step <= 7; ++step) last = straight.batch(step, 6);
  RefreshedViewSource resumed(stream(std::make_shared<EchoGenerator>(10), true), 0.5, 12);
  const ViewBatch again = resumed.batch(7, 6);  // empty window: the old anchors are regenerated
  EXPECT_TRUE(torch::equal(last.views, again.views));
  EXPECT_TRUE(torch::equal(last.latents, again.latents));
  EXPECT_TRUE(torch::equal(last.classes, again.classes));
}

TEST(RefreshedViewSource, RefreshOneIsAStreamAndZeroAFixedSet) {
  auto generator = std::make_shared<EchoGenerator>(10);
  RefreshedViewSource everyStep(stream(generator), 1.0, 8);
  std::set<uint64_t> seen;
  for (int64_t step = 0; step < 5; ++step) {
    for (uint64_t a : everyStep.anchorIndices(step, 8)) EXPECT_TRUE(seen.insert(a).second) << "anchor " << a << " seen twice";
    everyStep.batch(step, 8);
  }
  EXPECT_EQ(everyStep.generatedAnchors(), 40);

  RefreshedViewSource fixed(stream(generator), 0.0, 10);
  for (int64_t step = 0; step < 30; ++step) {
    for (uint64_t a : fixed.anchorIndices(step, 4)) EXPECT_LT(a, 10u);
    fixed.batch(step, 4);
  }
  EXPECT_LE(fixed.generatedAnchors(), 10) << "a fixed set is generated once";
}

TEST(RefreshedViewSource, ImpossibleSettingsAreErrorsThatNameTheKey) {
  auto generator = std::make_shared<EchoGenerator>(10);
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { RefreshedViewSource(stream(generator), 1.5, 8); }).find("views.refresh"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { RefreshedViewSource(stream(generator), 0.5, 0); }).find("views.window"),
            std::string::npos);
  RefreshedViewSource small(stream(generator), 0.5, 4);
  const std::string error = test::errorOf<std::invalid_argument>([&] { small.batch(0, 8); });
  EXPECT_NE(error.find("views.window 4 must hold at least the 8 anchors"), std::string::npos) << error;
}

}  // namespace
}  // namespace genrep
