#include "genrep/data/SyntheticShard.h"

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::errorOf;

SyntheticShard smallShard() {
  SyntheticShard s;
  ShardHeader& h = s.header;
  h.anchors = 3;
  h.firstAnchor = 6;
  h.viewsPerAnchor = 2;
  h.channels = 1;
  h.height = 2;
  h.width = 3;
  h.latentDim = 4;
  h.classes = 5;
  h.latentView = 1;
  h.sigma = 0.5;
  h.truncation = 1.0;
  h.seed = 9;
  for (uint64_t i = 0; i < h.imageBytes(); ++i) s.images.push_back(static_cast<uint8_t>(i * 7));
  for (uint64_t i = 0; i < h.latentCount(); ++i) s.z.push_back(0.25F * static_cast<float>(i));
  s.y = {4, 0, 2};
  return s;
}

TEST(SyntheticShard, WritesAndReadsBackEveryFieldAndValue) {
  test::TempDir dir;
  const SyntheticShard s = smallShard();
  writeShard(dir / shardFileName(2), s);
  EXPECT_EQ(shardFileName(2), "shard-000002.grs");
  const SyntheticShard back = readShard(dir / shardFileName(2));
  EXPECT_TRUE(back.header.sameDatasetAs(s.header));
  EXPECT_EQ(back.header.firstAnchor, 6u);
  EXPECT_EQ(back.header.anchors, 3u);
  EXPECT_EQ(back.images, s.images);
  EXPECT_EQ(back.z, s.z);
  EXPECT_EQ(back.y, s.y);
  EXPECT_TRUE(back.params.empty());
  EXPECT_EQ(std::filesystem::file_size(dir / shardFileName(2)), back.header.fileBytes());
  EXPECT_EQ(readShardHeader(dir / shardFileName(2)).payloadHash, back.header.payloadHash);
}

TEST(SyntheticShard, RefusesDataThatDoesNotMatchItsHeader) {
  test::TempDir dir;
  SyntheticShard s = smallShard();
  s.z.pop_back();
  EXPECT_NE(errorOf<std::invalid_argument>([&] { writeShard(dir / "a.grs", s); }).find("sizes its header declares"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.grs"));
}

TEST(SyntheticShard, NamesTheFileAndTheFaultOfACorruptShard) {
  test::TempDir dir;
  writeShard(dir / "good.grs", smallShard());
  const std::vector<uint8_t> good = readFileBytes(dir / "good.grs");
  const auto errorFor = [&](std::vector<uint8_t> bytes) { return errorOf<std::invalid_argument>([&] { parseShard(bytes, "s.grs"); }); };

  std::vector<uint8_t> bytes = good;
  bytes[kShardHeaderBytes + 5] ^= 1;  // one image byte
  EXPECT_NE(errorFor(bytes).find("s.grs: the data does not match the shard's hash"), std::string::npos);
  bytes = good;
  bytes.resize(bytes.size() - 1);
  EXPECT_NE(errorFor(bytes).find("truncated or corrupt"), std::string::npos);
  bytes = good;
  bytes[0] = 'X';
  EXPECT_NE(errorFor(bytes).find("wrong magic"), std::string::npos);
  bytes = good;
  bytes[8] = 2;
  EXPECT_NE(errorFor(bytes).find("version 2 is not supported"), std::string::npos);
  bytes = good;
  bytes[12] = 0xff;  // anchors: 3 -> 255, more data than the file holds
  EXPECT_NE(errorFor(bytes).find("s.grs"), std::string::npos);
  bytes = good;
  bytes[28] = 2;  // two channels
  EXPECT_NE(errorFor(bytes).find("implausible shard header"), std::string::npos);
  EXPECT_NE(errorFor(std::vector<uint8_t>(good.begin(), good.begin() + 40)).find("too short"), std::string::npos);
  // Huge declared sizes must not overflow into a small product.
  bytes = good;
  for (int i = 12; i < 16; ++i) bytes[static_cast<size_t>(i)] = 0xff;
  for (int i = 24; i < 28; ++i) bytes[static_cast<size_t>(i)] = 0xff;
  EXPECT_NE(errorFor(bytes).find("corrupt"), std::string::npos);
}

}  // namespace
}  // namespace genrep
