#include "genrep/views/LatentTensors.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace genrep {

LatentTensors latentTensors(const std::vector<LatentCode>& codes, int64_t latentDim) {
  const auto count = static_cast<int64_t>(codes.size());
  LatentTensors out;
  out.z = torch::empty({count, latentDim}, torch::kFloat32);  // [N, Z]
  out.y = torch::empty({count}, torch::kInt64);               // [N]
  float* z = out.z.data_ptr<float>();
  int64_t* y = out.y.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) {
    const LatentCode& code = codes[static_cast<size_t>(i)];
    if (static_cast<int64_t>(code.z.size()) != latentDim) {
      throw std::invalid_argument("latent codes: code " + std::to_string(i) + " has " + std::to_string(code.z.size()) +
                                  " values where the generator takes " + std::to_string(latentDim));
    }
    std::copy(code.z.begin(), code.z.end(), z + i * latentDim);
    y[i] = code.y;
  }
  return out;
}

}  // namespace genrep
