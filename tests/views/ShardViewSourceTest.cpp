#include "genrep/views/ShardViewSource.h"

#include <set>

#include <gtest/gtest.h>

#include "support/EchoGenerator.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

// 6 anchors (2 classes x 3) with 2 neighbours each, from the echo generator.
OfflineDataset smallDataset(const test::TempDir& dir) {
  test::EchoGenerator generator(2);
  OfflineDatasetOptions o;
  o.anchorsPerClass = 3;
  o.pool = 2;
  o.shardAnchors = 4;
  o.seed = 3;
  writeOfflineDataset(generator, dir.path(), o, {{"path", "echo"}}, torch::kCPU);
  return loadOfflineDataset(dir.path());
}

PixelViewOptions noPixels() {
  PixelViewOptions p;
  p.enabled = false;
  return p;
}

TEST(ShardViewSource, ViewZeroIsTheAnchorAndTheOthersComeFromItsPool) {
  test::TempDir dir;
  const OfflineDataset d = smallDataset(dir);
  ShardViewSource source(d, noPixels(), 3, 1, torch::kCPU);
  EXPECT_EQ(source.classes(), 2);
  EXPECT_EQ(source.latentDim(), 6);
  EXPECT_EQ(source.channels(), 1);
  const ViewBatch b = source.batch(0, 4);
  ASSERT_EQ(b.views.sizes(), torch::IntArrayRef({12, 1, 4, 8}));
  const torch::Tensor stored = d.images.to(torch::kFloat32).div(127.5).sub(1.0);  // [6, 3, 1, 4, 8]
  for (int64_t a = 0; a < 4; ++a) {
    const int64_t anchor = source.anchorAt(a);
    EXPECT_TRUE(torch::allclose(b.views[a], stored[anchor][0]));
    EXPECT_TRUE(torch::equal(b.latents[a], d.latents[anchor][0]));
    EXPECT_EQ(b.classes[a].item<int64_t>(), d.classes[anchor].item<int64_t>());
    for (int64_t view = 1; view < 3; ++view) {
      const torch::Tensor image = b.views[view * 4 + a];
      const bool fromPool = torch::allclose(image, stored[anchor][1]) || torch::allclose(image, stored[anchor][2]);
      EXPECT_TRUE(fromPool) << "anchor " << anchor << " view " << view;
      EXPECT_EQ(b.anchorIds[view * 4 + a].item<int64_t>(), a);
      EXPECT_EQ(b.classes[view * 4 + a].item<int64_t>(), d.classes[anchor].item<int64_t>());
    }
  }
}

TEST(ShardViewSource, EachEpochVisitsEveryAnchorOnceAndABatchDependsOnlyOnItsStep) {
  test::TempDir dir;
  const OfflineDataset d = smallDataset(dir);
  ShardViewSource source(d, PixelViewOptions(), 2, 1, torch::kCPU);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::set<int64_t> seen;
    for (int64_t p = 0; p < 6; ++p) seen.insert(source.anchorAt(epoch * 6 + p));
    EXPECT_EQ(seen.size(), 6u) << epoch;
  }
  std::vector<int64_t> first, second;
  for (int64_t p = 0; p < 6; ++p) first.push_back(source.anchorAt(p));
  for (int64_t p = 6; p < 12; ++p) second.push_back(source.anchorAt(p));
  EXPECT_NE(first, second);  // reshuffled each epoch

  ShardViewSource again(d, PixelViewOptions(), 2, 1, torch::kCPU);
  const ViewBatch late = source.batch(5, 4);
  EXPECT_TRUE(torch::equal(again.batch(5, 4).views, late.views));  // no state carried between steps
  EXPECT_FALSE(torch::equal(source.batch(4, 4).views, late.views));
}

}  // namespace
}  // namespace genrep
