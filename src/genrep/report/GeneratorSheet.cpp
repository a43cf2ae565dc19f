#include "genrep/report/GeneratorSheet.h"

#include <stdexcept>

#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/gen/Latents.h"
#include "genrep/report/ImageGrid.h"

namespace genrep {

void writeGeneratorSheet(Generator& generator, const std::filesystem::path& file, const SheetOptions& options) {
  if (options.columns < 1 || options.rows < 1) throw std::invalid_argument("sample sheet: rows and columns must be >= 1");
  const GeneratorInfo& info = generator.info();
  const int64_t rows = info.classes > 0 ? info.classes : options.rows;
  const int64_t count = rows * options.columns;
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(deriveSeed(options.seed, "sheet"));
  torch::NoGradGuard noGrad;
  const torch::Tensor z = sampleLatents(count, info.latentDim, options.truncation, rng);
  const torch::Tensor y = info.classes > 0 ? torch::arange(count, torch::kInt64).div(options.columns, "floor") : torch::Tensor();
  const ImageArray images = tensorToImages(normaliseGenerated(generator.sample(z, y), info), y);
  std::vector<int64_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) order[static_cast<size_t>(i)] = i;
  GridStyle style;
  style.scale = info.height <= 32 ? 2 : 1;
  writeImageGrid(file, images, order, options.columns, style);
}

}  // namespace genrep
