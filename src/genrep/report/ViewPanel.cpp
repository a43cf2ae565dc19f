#include "genrep/report/ViewPanel.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/data/ImageTensor.h"
#include "genrep/report/ImageGrid.h"
#include "genrep/views/LatentTensors.h"

namespace genrep {

nlohmann::json writeViewPanel(Generator& generator, const std::filesystem::path& file, const ViewPanelOptions& options) {
  if (options.anchors < 1 || options.perGroup < 1) throw std::invalid_argument("view panel: anchors and per-group count must be >= 1");
  const GeneratorInfo& info = generator.info();
  // Each column group is a latent view; group 0 is the anchor itself.
  struct Group {
    std::string name;
    LatentSampler sampler;
    int64_t columns;
  };
  const auto sampler = [&](LatentViewKind kind, double sigma) {
    LatentViewOptions o{kind, sigma, options.truncation, true, options.walks};
    return LatentSampler(o, info.latentDim, info.classes, options.seed);
  };
  std::vector<Group> groups;
  groups.push_back({"anchor", sampler(LatentViewKind::None, 1.0), 1});
  for (double sigma : options.sigmas) {
    if (!(sigma > 0)) throw std::invalid_argument(fmt::format("view panel: sigma {} must be positive", sigma));
    groups.push_back({fmt::format("gaussian sigma {}", sigma), sampler(LatentViewKind::Gaussian, sigma), options.perGroup});
  }
  if (options.independent && info.classes > 0) {
    groups.push_back({"independent", sampler(LatentViewKind::Independent, 1.0), options.perGroup});
  }
  if (options.walks) groups.push_back({"steering", sampler(LatentViewKind::Steering, 1.0), options.perGroup});

  // Every image of the panel in one generator call; cells: image index, or -1 for a gap.
  std::vector<LatentCode> codes;
  std::vector<int64_t> cells;
  int64_t columns = 0;
  for (const Group& g : groups) columns += g.columns;
  columns += static_cast<int64_t>(groups.size()) - 1;
  nlohmann::json rowClasses = nlohmann::json::array();
  for (int64_t row = 0; row < options.anchors; ++row) {
    for (size_t g = 0; g < groups.size(); ++g) {
      if (g > 0) cells.push_back(-1);
      for (int64_t k = 0; k < groups[g].columns; ++k) {
        codes.push_back(groups[g].sampler.neighbour(static_cast<uint64_t>(row), static_cast<uint64_t>(g == 0 ? 0 : k + 1)));
        cells.push_back(static_cast<int64_t>(codes.size()) - 1);
      }
    }
    rowClasses.push_back(codes.back().y);
  }
  torch::NoGradGuard noGrad;
  const LatentTensors latents = latentTensors(codes, info.latentDim);  // [N, Z], [N]
  const torch::Tensor classes = info.classes > 0 ? latents.y : torch::Tensor();
  const torch::Tensor images = normaliseGenerated(generator.sample(latents.z, classes), info);
  GridStyle style;
  style.scale = info.height <= 32 ? 2 : 1;
  writeImageGrid(file, tensorToImages(images.cpu(), classes), cells, columns, style);

  nlohmann::json layout = {{"rows", options.anchors}, {"columns", columns}, {"truncation", options.truncation},
                           {"seed", options.seed},    {"row_classes", info.classes > 0 ? rowClasses : nlohmann::json()}};
  for (const Group& g : groups) layout["groups"].push_back({{"view", g.name}, {"columns", g.columns}});
  return layout;
}

}  // namespace genrep
