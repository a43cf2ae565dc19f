#pragma once
// CIFAR-10 / CIFAR-100 binary batches: fixed-size records of label byte(s) then 3072
// pixel bytes (1024 red, 1024 green, 1024 blue; 32x32 row-major), already [C, H, W].
//   CIFAR-10 record:  <label> <pixels>                 data_batch_{1..5}.bin, test_batch.bin
//   CIFAR-100 record: <coarse label> <fine label> <pixels>           train.bin, test.bin
//
//   ImageArray batch = readCifarBatch(bytes, "data_batch_1.bin", CifarVariant::Cifar10);
#include <cstdint>
#include <string>
#include <vector>

#include "genrep/data/ImageArray.h"

namespace genrep {

enum class CifarVariant { Cifar10, Cifar100 };

int64_t cifarClassCount(CifarVariant variant);          // 10 or 100 (fine labels)
std::vector<std::string> cifarDefaultClassNames(CifarVariant variant);

// A truncated record, a label out of range or an empty file throws std::invalid_argument
// naming `source`. CIFAR-100 yields the fine labels.
ImageArray readCifarBatch(const std::vector<uint8_t>& bytes, const std::string& source, CifarVariant variant);

}  // namespace genrep
