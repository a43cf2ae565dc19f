#include "genrep/data/CifarReader.h"

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

using test::errorOf;

TEST(CifarReader, ReadsCifar10RecordsAsChw) {
  const ImageArray images = readCifarBatch(test::cifarRecords(12, false), "data_batch_1.bin", CifarVariant::Cifar10);
  ASSERT_EQ(images.count, 12);
  EXPECT_EQ(images.channels, 3);
  EXPECT_EQ(images.height, 32);
  EXPECT_EQ(images.width, 32);
  for (int64_t i = 0; i < 12; ++i) {
    EXPECT_EQ(images.labels[static_cast<size_t>(i)], i % 10);
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t p = 0; p < 1024; p += 97) ASSERT_EQ(images.image(i)[c * 1024 + p], test::cifarPixel(i, c, p));
  }
}

TEST(CifarReader, Cifar100YieldsFineLabels) {
  const ImageArray images = readCifarBatch(test::cifarRecords(150, true), "train.bin", CifarVariant::Cifar100);
  ASSERT_EQ(images.count, 150);
  EXPECT_EQ(images.labels[99], 99);
  EXPECT_EQ(images.labels[123], 23);
  EXPECT_EQ(images.image(7)[1024 + 5], test::cifarPixel(7, 1, 5));
}

TEST(CifarReader, TruncatedRecordIsNamed) {
  std::vector<uint8_t> bytes = test::cifarRecords(3, false);
  bytes.resize(bytes.size() - 100);
  const std::string message = errorOf([&] { readCifarBatch(bytes, "data_batch_2.bin", CifarVariant::Cifar10); });
  EXPECT_NE(message.find("data_batch_2.bin"), std::string::npos);
  EXPECT_NE(message.find("2 full records"), std::string::npos) << message;
}

TEST(CifarReader, LabelOutOfRangeSuggestsTheOtherFormat) {
  // A CIFAR-100 file read as CIFAR-10 misaligns at once: 3074-byte records are not 3073.
  EXPECT_NE(errorOf([] { readCifarBatch(test::cifarRecords(3073, true), "t", CifarVariant::Cifar10); }).find("label"),
            std::string::npos);
  std::vector<uint8_t> bytes = test::cifarRecords(2, false);
  bytes[3073] = 10;
  EXPECT_NE(errorOf([&] { readCifarBatch(bytes, "bad.bin", CifarVariant::Cifar10); }).find("record 1 has label 10"),
            std::string::npos);
}

TEST(CifarReader, EmptyFileIsAnError) {
  EXPECT_NE(errorOf([] { readCifarBatch({}, "empty.bin", CifarVariant::Cifar10); }).find("empty"), std::string::npos);
}

}  // namespace
}  // namespace genrep
