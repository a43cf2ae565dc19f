#include "genrep/views/PrefetchedViewSource.h"

#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/gen/GeneratorLoader.h"
#include "genrep/views/GeneratorViewSource.h"
#include "genrep/views/ViewSourceOptions.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

// The fixture GAN (convolutions, batch norm: intra-op work on the producer's own threads) with
// gaussian latent views and pixel views, so that every part of a batch depends on its step.
std::unique_ptr<GeneratorViewSource> stream() {
  GeneratorViewOptions o;
  o.latent = {LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr};
  o.viewsPerAnchor = 3;
  o.pool = 2;
  o.seed = 11;
  return std::make_unique<GeneratorViewSource>(loadGenerator(std::filesystem::path(GENREP_FIXTURE_DIR) / "gan-native"), o, torch::kCPU);
}

void expectSameBatch(const ViewBatch& a, const ViewBatch& b, const std::string& where) {
  EXPECT_EQ(a.anchors, b.anchors) << where;
  EXPECT_EQ(a.viewsPerAnchor, b.viewsPerAnchor) << where;
  EXPECT_TRUE(torch::equal(a.views, b.views)) << where;
  EXPECT_TRUE(torch::equal(a.latents, b.latents)) << where;
  EXPECT_TRUE(torch::equal(a.classes, b.classes)) << where;
  EXPECT_TRUE(torch::equal(a.anchorIds, b.anchorIds)) << where;
  EXPECT_TRUE(torch::equal(a.synthetic, b.synthetic)) << where;
}

TEST(PrefetchedViewSource, GivesTheWrappedSourcesBatchesInOrderAfterAJumpAndForAnotherBatchSize) {
  std::unique_ptr<GeneratorViewSource> plain = stream();
  PrefetchedViewSource prefetched(stream(), 1);
  EXPECT_EQ(prefetched.viewsPerAnchor(), 3);
  EXPECT_EQ(prefetched.classes(), plain->classes());
  EXPECT_EQ(prefetched.latentDim(), plain->latentDim());
  EXPECT_EQ(prefetched.channels(), plain->channels());
  EXPECT_NE(prefetched.describe().find("producer thread"), std::string::npos) << prefetched.describe();
  // In order (each one made while the caller held the one before), then a jump as a resume
  // makes, then another batch size, then back to the order.
  for (const auto& [step, anchors] : std::vector<std::pair<int64_t, int64_t>>{{0, 8}, {1, 8}, {2, 8}, {9, 8}, {10, 5}, {11, 5}, {3, 8}}) {
    const ViewBatch expected = plain->batch(step, anchors);
    const ViewBatch got = prefetched.batch(step, anchors);
    expectSameBatch(got, expected, "step " + std::to_string(step) + ", " + std::to_string(anchors) + " anchors");
    EXPECT_FALSE(got.views.requires_grad());
  }
}

// A source whose batches fail from a given step on, as a generator returning NaN would.
class FailingSource : public ViewSource {
 public:
  ViewBatch batch(int64_t step, int64_t anchors) override {
    if (step >= 2) throw std::invalid_argument("generator output is not finite at step " + std::to_string(step));
    ViewBatch b;
    b.anchors = anchors;
    b.viewsPerAnchor = 2;
    b.views = torch::full({2 * anchors, 1, 2, 2}, static_cast<float>(step));
    return b;
  }
  std::string describe() const override { return "failing"; }
  int64_t classes() const override { return 0; }
  int64_t latentDim() const override { return 0; }
  int64_t viewsPerAnchor() const override { return 2; }
  int64_t channels() const override { return 1; }
};

TEST(PrefetchedViewSource, RethrowsTheWrappedSourcesErrorForTheStepThatFailed) {
  PrefetchedViewSource source(std::make_unique<FailingSource>(), 1);
  EXPECT_EQ(source.batch(0, 3).views.max().item<float>(), 0.0f);
  EXPECT_EQ(source.batch(1, 3).views.max().item<float>(), 1.0f);  // step 2 fails on the producer meanwhile
  EXPECT_EQ(test::errorOf([&] { source.batch(2, 3); }), "generator output is not finite at step 2");
  EXPECT_EQ(source.batch(1, 3).views.max().item<float>(), 1.0f) << "a failed step does not break the source";
}

TEST(PrefetchedViewSource, RefusesANegativeThreadCountNamingTheKey) {
  ViewSourceOptions options;
  options.prefetchThreads = -1;
  EXPECT_NE(test::errorOf([&] { makeViewSource(options, loadGenerator(std::filesystem::path(GENREP_FIXTURE_DIR) / "gan-native"), nullptr, torch::kCPU); })
                .find("views.prefetch_threads is -1"),
            std::string::npos);
  options.prefetchThreads = 1;
  const std::unique_ptr<ViewSource> source =
      makeViewSource(options, loadGenerator(std::filesystem::path(GENREP_FIXTURE_DIR) / "gan-native"), nullptr, torch::kCPU);
  EXPECT_NE(source->describe().find("prefetched"), std::string::npos);
  EXPECT_EQ(source->batch(0, 4).anchors, 4);
}

}  // namespace
}  // namespace genrep
