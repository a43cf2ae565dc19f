#include "genrep/core/Gzip.h"

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

std::vector<uint8_t> sample() {
  std::vector<uint8_t> data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<uint8_t>((i * 31) ^ (i >> 7)));
  return data;
}

TEST(Gzip, RoundTripsAndDetectsTheMagic) {
  const std::vector<uint8_t> data = sample();
  const std::vector<uint8_t> packed = test::gzipBytes(data);
  EXPECT_TRUE(isGzip(packed));
  EXPECT_FALSE(isGzip(data));
  EXPECT_EQ(gunzip(packed, "sample"), data);
}

TEST(Gzip, ConcatenatedMembersAreOneStream) {
  std::vector<uint8_t> packed = test::gzipBytes({1, 2, 3});
  const std::vector<uint8_t> second = test::gzipBytes({4, 5});
  packed.insert(packed.end(), second.begin(), second.end());
  EXPECT_EQ(gunzip(packed, "two"), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(Gzip, TruncatedStreamIsAnErrorNamingTheSource) {
  std::vector<uint8_t> packed = test::gzipBytes(sample());
  packed.resize(packed.size() / 2);
  try {
    gunzip(packed, "train-images.gz");
    FAIL();
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("train-images.gz"), std::string::npos);
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  }
}

TEST(Gzip, CorruptStreamIsAnError) {
  std::vector<uint8_t> packed = test::gzipBytes(sample());
  for (size_t i = 20; i < 60; ++i) packed[i] ^= 0x5a;
  EXPECT_THROW(gunzip(packed, "corrupt.gz"), std::invalid_argument);
}

TEST(Gzip, ReadMaybeGzipPassesPlainFilesThrough) {
  test::TempDir dir;
  test::writeBytes(dir / "plain", {9, 8, 7});
  test::writeBytes(dir / "packed.gz", test::gzipBytes({9, 8, 7}));
  EXPECT_EQ(readMaybeGzip(dir / "plain"), (std::vector<uint8_t>{9, 8, 7}));
  EXPECT_EQ(readMaybeGzip(dir / "packed.gz"), (std::vector<uint8_t>{9, 8, 7}));
}

}  // namespace
}  // namespace genrep
