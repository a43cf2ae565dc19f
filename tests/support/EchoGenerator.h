#pragma once
// A generator for tests whose image spells out its input, so a test can read back which z
// and y made an image: row 0 holds z / 4, pixel (1, 0) holds y / 10. Image [1, 4, 8], Z = 6.
#include <cmath>

#include "genrep/gen/Generator.h"

namespace genrep::test {

class EchoGenerator : public Generator {
 public:
  explicit EchoGenerator(int64_t classes, bool nan = false) : nan_(nan) {
    info_ = {6, classes, 1, 4, 8, -1.0, 1.0, "echo"};
  }
  const GeneratorInfo& info() const override { return info_; }
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor& y) override {
    ++calls;
    rows += z.size(0);
    torch::Tensor x = torch::zeros({z.size(0), 1, 4, 8});
    x.select(1, 0).select(1, 0).slice(1, 0, 6).copy_(z / 4);
    if (y.defined()) x.select(1, 0).select(1, 1).select(1, 0).copy_(y.to(torch::kFloat32) / 10);
    if (nan_) x[0][0][0][0] = std::nanf("");
    return x;
  }
  void to(const torch::Device&) override {}
  int calls = 0;
  int64_t rows = 0;  // images made, over all calls

 private:
  GeneratorInfo info_;
  bool nan_;
};

}  // namespace genrep::test
