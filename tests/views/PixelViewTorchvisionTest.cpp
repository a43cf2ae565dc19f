// genrep's batched pixel views against torchvision's functional transforms applied image by image
// with the same drawn parameters (the venv's torchvision, on the
// same PyTorch as genrep's LibTorch: support/ReferencePython.h).
#include <cstdlib>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "genrep/core/FileIO.h"
#include "genrep/views/PixelView.h"
#include "support/Fixtures.h"
#include "support/ReferencePython.h"

namespace genrep {
namespace {

void save(const std::filesystem::path& file, const torch::Tensor& t) {
  const std::vector<char> bytes = torch::pickle_save(t);
  test::writeBytes(file, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

TEST(PixelViewTorchvision, CropsResizesFlipsAndColoursAsTorchvisionDoes) {
  if (!test::referencePythonHas("torchvision")) GTEST_SKIP() << test::referencePythonMissing("torchvision");
  test::TempDir dir;
  // Smooth RGB images at the paper's generator size (a sum of a few sinusoids per channel).
  torch::manual_seed(3);
  const int64_t n = 16, size = 128;
  const torch::Tensor grid = torch::linspace(0, 1, size);
  const torch::Tensor yy = grid.view({1, 1, size, 1}), xx = grid.view({1, 1, 1, size});
  const torch::Tensor phase = torch::rand({n, 3, 1, 1}) * 6.28, freq = torch::rand({n, 3, 1, 1}) * 8 + 1;
  const torch::Tensor images = (torch::sin(freq * xx + phase) * torch::cos(freq * 0.7 * yy - phase) * 0.9).contiguous();  // [B, 3, H, W]

  PixelViewOptions options;
  options.cropSize = 112;
  options.jitterRandomOrder = true;
  options.jitterProbability = 1.0;  // every image jittered, so every colour path is compared
  options.greyProbability = 0.25;
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(5);
  const PixelViewParams p = samplePixelViewParams(n, 3, size, size, options, rng);

  PixelViewParams geometryOnly = identityPixelViewParams(n, size, size);
  geometryOnly.cropLeft = p.cropLeft, geometryOnly.cropTop = p.cropTop, geometryOnly.cropWidth = p.cropWidth;
  geometryOnly.cropHeight = p.cropHeight, geometryOnly.flip = p.flip;
  geometryOnly.outHeight = geometryOnly.outWidth = 112;
  PixelViewParams colourOnly = p;
  colourOnly.cropLeft = colourOnly.cropTop = colourOnly.flip = torch::zeros({n});
  colourOnly.cropWidth = colourOnly.cropHeight = torch::full({n}, static_cast<float>(size));
  colourOnly.outHeight = colourOnly.outWidth = 0;

  save(dir / "images.pt", images);
  for (const auto& [name, t] : {std::pair{"crop_left", p.cropLeft}, {"crop_top", p.cropTop}, {"crop_width", p.cropWidth},
                                {"crop_height", p.cropHeight}, {"flip", p.flip}, {"grey", p.grey}, {"order", p.jitterOrder},
                                {"brightness", p.brightness}, {"contrast", p.contrast}, {"saturation", p.saturation}, {"hue", p.hue}}) {
    save(dir / (std::string(name) + ".pt"), t);
  }
  save(dir / "crop_size.pt", torch::tensor(112));
  save(dir / "geometry.pt", applyPixelView(images, geometryOnly));
  save(dir / "colour.pt", applyPixelView(images, colourOnly));
  const torch::Tensor full = applyPixelView(images, p);
  ASSERT_EQ(full.sizes(), (std::vector<int64_t>{n, 3, 112, 112}));
  save(dir / "full.pt", full);

  const std::string command = fmt::format("{} {}/scripts/check_torchvision_views.py {} > {} 2>&1", test::referencePython(), GENREP_SOURCE_DIR,
                                          dir.path().string(), (dir / "out.json").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << readFileText(dir / "out.json");
  const std::string out = readFileText(dir / "out.json");
  std::printf("genrep vs torchvision (pixel units in [0, 1]): %s", out.c_str());
  const nlohmann::json r = nlohmann::json::parse(out.substr(out.rfind("{\"geometry\"")));  // after any warning lines
  // The colour operations are torchvision's formulas: equal to float rounding.
  EXPECT_LT(r["colour"]["max"].get<double>(), 1e-5);
  // Bilinear resampling reads the same positions; it differs only at the crop's border, where
  // genrep clamps to the image (grid_sample, border padding) and torchvision to the crop.
  EXPECT_LT(r["geometry_interior"]["max"].get<double>(), 1e-5);
  EXPECT_LT(r["geometry"]["mean"].get<double>(), 2e-3);
  EXPECT_LT(r["full"]["mean"].get<double>(), 2e-3);
}

}  // namespace
}  // namespace genrep
