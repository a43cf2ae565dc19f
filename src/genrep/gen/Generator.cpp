#include "genrep/gen/Generator.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/runtime/FailureDump.h"

namespace genrep {

torch::Tensor normaliseGenerated(const torch::Tensor& images, const GeneratorInfo& info) {
  if (!torch::isfinite(images).all().item<bool>()) {
    throw NonFiniteError(fmt::format("generator '{}' returned NaN or Inf images; check its weights (gen.path)", info.description),
                         {{"images", images}});
  }
  if (info.outputMin == -1.0 && info.outputMax == 1.0) return images;
  return images.sub(info.outputMin).mul_(2.0 / (info.outputMax - info.outputMin)).sub_(1.0);
}

}  // namespace genrep
