#include "genrep/views/LatentTensors.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace genrep {
namespace {

TEST(LatentTensors, RowIOfZAndYIsCodeI) {
  const LatentSampler sampler({LatentViewKind::Gaussian, 0.5, 1.0, false, nullptr}, 5, 10, 3);
  const std::vector<LatentCode> codes = {sampler.anchor(0), sampler.neighbour(0, 2), sampler.anchor(9)};
  const LatentTensors t = latentTensors(codes, 5);
  ASSERT_EQ(t.z.sizes(), (std::vector<int64_t>{3, 5}));
  ASSERT_EQ(t.y.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(t.z.scalar_type(), torch::kFloat32);
  EXPECT_EQ(t.y.scalar_type(), torch::kInt64);
  for (int64_t i = 0; i < 3; ++i) {
    const LatentCode& code = codes[static_cast<size_t>(i)];
    EXPECT_EQ(t.y[i].item<int64_t>(), code.y);
    for (int64_t j = 0; j < 5; ++j) EXPECT_EQ(t.z[i][j].item<float>(), code.z[static_cast<size_t>(j)]) << i << "," << j;
  }
}

TEST(LatentTensors, UnconditionalCodesKeepClassMinusOne) {
  const LatentSampler sampler({LatentViewKind::None, 0.5, 1.0, false, nullptr}, 4, 0, 1);
  const LatentTensors t = latentTensors({sampler.anchor(0), sampler.anchor(1)}, 4);
  EXPECT_TRUE(t.y.eq(-1).all().item<bool>());
}

TEST(LatentTensors, NoCodesGiveEmptyTensorsOfTheLatentWidth) {
  const LatentTensors t = latentTensors({}, 7);
  EXPECT_EQ(t.z.sizes(), (std::vector<int64_t>{0, 7}));
  EXPECT_EQ(t.y.numel(), 0);
}

TEST(LatentTensors, ACodeOfAnotherLengthIsRefusedNamingIt) {
  const LatentSampler sampler({LatentViewKind::None, 0.5, 1.0, false, nullptr}, 4, 0, 1);
  try {
    latentTensors({sampler.anchor(0), sampler.anchor(1)}, 6);
    FAIL() << "a 4-value code taken as 6";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("code 0 has 4 values where the generator takes 6"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace genrep
