#include "genrep/views/OfflineDataset.h"

#include <cmath>

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "genrep/data/SyntheticShard.h"
#include "support/EchoGenerator.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::EchoGenerator;

OfflineDatasetOptions smallOptions() {
  OfflineDatasetOptions o;
  o.latent = {LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr};
  o.anchorsPerClass = 4;
  o.pool = 3;
  o.shardAnchors = 5;  // 12 anchors -> shards of 5, 5, 2
  o.batch = 7;         // generator calls that straddle anchors
  o.seed = 11;
  return o;
}

torch::Tensor bytesOf(const torch::Tensor& images) { return images.add(1).mul(127.5).round().clamp(0, 255).to(torch::kUInt8); }

TEST(OfflineDataset, StoresAnchorsWithTheirNeighboursTheirLatentsAndBalancedClasses) {
  test::TempDir dir;
  EchoGenerator generator(3);
  const OfflineDatasetReport r = writeOfflineDataset(generator, dir.path(), smallOptions(), {{"path", "echo"}}, torch::kCPU);
  EXPECT_EQ(r.anchors, 12);
  EXPECT_EQ(r.shards, 3);
  EXPECT_EQ(r.shardsWritten, 3);
  EXPECT_EQ(r.images, 12 * 4);
  EXPECT_GT(r.generatorSeconds, 0);

  const OfflineDataset d = loadOfflineDataset(dir.path());
  ASSERT_EQ(d.images.sizes(), torch::IntArrayRef({12, 4, 1, 4, 8}));
  ASSERT_EQ(d.latents.sizes(), torch::IntArrayRef({12, 4, 6}));
  EXPECT_EQ(d.pool(), 3);
  EXPECT_EQ(d.classCount, 3);
  // Anchor j has class j % 3, and the latents are the keyed streams' anchor j and its neighbours.
  LatentViewOptions latent = smallOptions().latent;
  latent.balancedClasses = true;
  const LatentSampler sampler(latent, 6, 3, 11);
  for (int64_t j = 0; j < 12; ++j) {
    EXPECT_EQ(d.classes[j].item<int64_t>(), j % 3);
    for (int64_t k = 0; k < 4; ++k) {
      const LatentCode code = sampler.neighbour(static_cast<uint64_t>(j), static_cast<uint64_t>(k));
      const torch::Tensor z = torch::tensor(code.z);
      ASSERT_TRUE(torch::equal(d.latents[j][k], z)) << j << " " << k;
      // Each stored image is the generator's image of the stored z and y, quantised to bytes.
      const torch::Tensor expected = bytesOf(generator.sample(z.view({1, 6}), torch::tensor({code.y})))[0];
      ASSERT_TRUE(torch::equal(d.images[j][k], expected)) << j << " " << k;
    }
  }
  const nlohmann::json description = readJsonFile(dir / "dataset.json");
  EXPECT_TRUE(description["complete"].get<bool>());
  EXPECT_EQ(description["settings"]["pool"], 3);
}

TEST(OfflineDataset, AnInterruptedRunResumesWithTheMissingShardsOnly) {
  test::TempDir full, resumed;
  EchoGenerator generator(3);
  writeOfflineDataset(generator, full.path(), smallOptions(), {{"path", "echo"}}, torch::kCPU);
  // Interrupted after shard 0: shard 0 is on disk, dataset.json says incomplete.
  writeOfflineDataset(generator, resumed.path(), smallOptions(), {{"path", "echo"}}, torch::kCPU);
  std::filesystem::remove(resumed / shardFileName(1));
  std::filesystem::remove(resumed / shardFileName(2));
  nlohmann::json description = readJsonFile(resumed / "dataset.json");
  description["complete"] = false;
  test::writeText(resumed / "dataset.json", description.dump());
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { loadOfflineDataset(resumed.path()); }).find("incomplete"),
            std::string::npos);

  const OfflineDatasetReport r = writeOfflineDataset(generator, resumed.path(), smallOptions(), {{"path", "echo"}}, torch::kCPU);
  EXPECT_EQ(r.shardsWritten, 2);
  for (uint64_t s = 0; s < 3; ++s) {
    EXPECT_EQ(readFileBytes(full / shardFileName(s)), readFileBytes(resumed / shardFileName(s))) << s;
  }
  EXPECT_EQ(writeOfflineDataset(generator, resumed.path(), smallOptions(), {{"path", "echo"}}, torch::kCPU).shardsWritten, 0);
}

TEST(OfflineDataset, SteeringViewsStoreTheAmountOfEveryWalk) {
  test::TempDir dir;
  EchoGenerator generator(3);
  auto walks = std::make_shared<SteeringWalks>();
  walks->latentDim = 6;
  walks->walks.push_back({"zoom", 0.5, 2.0, true, std::vector<float>(6, 0.1F), {}});
  walks->walks.push_back({"brightness", -0.5, 0.5, false, std::vector<float>(6, -0.2F), {}});
  OfflineDatasetOptions o = smallOptions();
  o.latent = {LatentViewKind::Steering, 0.5, 1.0, false, walks};
  writeOfflineDataset(generator, dir.path(), o, {{"path", "echo"}}, torch::kCPU);
  const SyntheticShard shard = readShard(dir / shardFileName(0));
  EXPECT_EQ(shard.header.latentView, 3u);
  ASSERT_EQ(shard.header.paramDim, 2u);
  ASSERT_EQ(shard.params.size(), 5u * 4u * 2u);
  EXPECT_EQ(shard.params[0], 1.0F);  // the anchor: zoom 1, brightness 0
  EXPECT_EQ(shard.params[1], 0.0F);
  for (size_t view = 1; view < 4; ++view) {
    const float zoom = shard.params[view * 2], brightness = shard.params[view * 2 + 1];
    EXPECT_GE(zoom, 0.5F);
    EXPECT_LE(zoom, 2.0F);
    EXPECT_LE(std::abs(brightness), 0.5F);
    // z' = z + step(zoom) * 0.1 + step(brightness) * -0.2 in every coordinate
    const float expected = shard.z[0] + static_cast<float>(walks->walks[0].step(zoom) * 0.1 + walks->walks[1].step(brightness) * -0.2);
    EXPECT_NEAR(shard.z[view * 6], expected, 1e-5);
  }
  EXPECT_EQ(readJsonFile(dir / "dataset.json")["settings"]["walks"], walksFingerprint(*walks));
}

TEST(OfflineDataset, RefusesAFolderOfOtherSettingsAndImpossibleOnes) {
  test::TempDir dir;
  EchoGenerator generator(3);
  writeOfflineDataset(generator, dir.path(), smallOptions(), {{"path", "echo"}}, torch::kCPU);
  OfflineDatasetOptions other = smallOptions();
  other.latent.sigma = 1.0;
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] {
              writeOfflineDataset(generator, dir.path(), other, {{"path", "echo"}}, torch::kCPU);
            }).find("other settings"),
            std::string::npos);
  other = smallOptions();
  other.pool = 0;
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] {
              writeOfflineDataset(generator, dir / "x", other, {{"path", "echo"}}, torch::kCPU);
            }).find("generate.pool"),
            std::string::npos);
  EchoGenerator broken(3, /*nan=*/true);
  EXPECT_NE(test::errorOf<std::runtime_error>([&] {
              writeOfflineDataset(broken, dir / "nan", smallOptions(), {{"path", "echo"}}, torch::kCPU);
            }).find("NaN"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "nan" / shardFileName(0)));
}

// Shards written before a change keep reading: tests/fixtures/shards-v1 was written on
// 2026-11-30 by `genrep generate --generator tests/fixtures/gan-native --anchors 2 --pool 2
// --seed 5 --out tests/fixtures/shards-v1` (format version 1, gaussian latent view stored as 1).
TEST(OfflineDataset, ReadsAShardWrittenByAnEarlierGenrep) {
  const std::filesystem::path folder = std::filesystem::path(GENREP_FIXTURE_DIR) / "shards-v1";
  const SyntheticShard shard = readShard(folder / shardFileName(0));  // checks sizes and the payload hash
  EXPECT_EQ(shard.header.anchors, 6u);  // 2 per class, 3 classes
  EXPECT_EQ(shard.header.viewsPerAnchor, 3u);
  EXPECT_EQ(shard.header.latentView, static_cast<uint32_t>(LatentViewKind::Gaussian));
  EXPECT_EQ(shard.header.latentView, 1u);  // the stored value, append-only
  EXPECT_EQ(shard.header.sigma, 0.5);
  EXPECT_EQ(shard.header.seed, 5u);
  const OfflineDataset dataset = loadOfflineDataset(folder);
  EXPECT_EQ(dataset.images.sizes(), (std::vector<int64_t>{6, 3, 1, 8, 8}));
  EXPECT_EQ(dataset.classes.sizes(), (std::vector<int64_t>{6}));
  EXPECT_EQ(dataset.classes.min().item<int64_t>(), 0);
  EXPECT_EQ(dataset.classes.max().item<int64_t>(), 2);
}

}  // namespace
}  // namespace genrep
