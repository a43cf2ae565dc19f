#include "genrep/steer/PixelEdit.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {
namespace {

namespace F = torch::nn::functional;

// Resamples with theta [B, 2, 3] (output -> input coordinates, normalised to [-1, 1]).
EditedImages resample(const torch::Tensor& images, const torch::Tensor& theta) {
  const auto grid = F::affine_grid(theta, images.sizes(), /*align_corners=*/false);
  const auto options = F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false);
  EditedImages out;
  out.images = F::grid_sample(images, grid, options);
  // A pixel is defined when its whole bilinear footprint lies inside the image.
  const torch::Tensor ones = torch::ones({images.size(0), 1, images.size(2), images.size(3)}, images.options());
  out.mask = F::grid_sample(ones, grid, options).gt(1.0 - 1e-4).to(images.scalar_type());
  return out;
}

}  // namespace

const std::vector<EditFacts>& editTable() {
  static const std::vector<EditFacts> table = {
      {EditKind::Zoom, "zoom", {0.5, 2.0, true}},
      {EditKind::ShiftX, "shift_x", {-0.25, 0.25, false}},
      {EditKind::ShiftY, "shift_y", {-0.25, 0.25, false}},
      {EditKind::Rotate, "rotate", {-30.0, 30.0, false}},
      {EditKind::Brightness, "brightness", {-0.5, 0.5, false}},
      {EditKind::Contrast, "contrast", {-0.5, 0.5, false}},
      {EditKind::Red, "red", {-0.5, 0.5, false}, 0},
      {EditKind::Green, "green", {-0.5, 0.5, false}, 1},
      {EditKind::Blue, "blue", {-0.5, 0.5, false}, 2},
  };
  return table;
}

const NameTable<EditKind>& editKinds() {
  static const NameTable<EditKind> names = [] {
    NameTable<EditKind> table;
    for (const EditFacts& facts : editTable()) table.emplace_back(facts.kind, facts.name);
    return table;
  }();
  return names;
}

namespace {

const EditFacts& factsOf(EditKind kind) {
  const std::vector<EditFacts>& table = editTable();
  return table.at(static_cast<size_t>(kind));  // in enum order (tests/steer/PixelEditTest.cpp)
}

}  // namespace

EditKind parseEditKind(const std::string& name) { return valueNamedOrThrow(editKinds(), name, "steer.edits", "edit"); }

std::string editName(EditKind kind) { return factsOf(kind).name; }

bool isColourEdit(EditKind kind) { return factsOf(kind).channel >= 0; }

EditRange defaultEditRange(EditKind kind) { return factsOf(kind).range; }

EditedImages applyEdit(EditKind kind, const torch::Tensor& images, const torch::Tensor& alpha) {
  if (images.dim() != 4 || alpha.dim() != 1 || alpha.size(0) != images.size(0)) {
    throw std::invalid_argument("pixel edit: images must be [B, C, H, W] and alpha [B]");
  }
  const int64_t b = images.size(0);
  const torch::Tensor a = alpha.to(images.options());
  const auto affine = [&](const torch::Tensor& m00, const torch::Tensor& m01, const torch::Tensor& m10, const torch::Tensor& m11,
                          const torch::Tensor& tx, const torch::Tensor& ty) {
    return torch::stack({torch::stack({m00, m01, tx}, 1), torch::stack({m10, m11, ty}, 1)}, 1);  // [B, 2, 3]
  };
  const torch::Tensor zero = torch::zeros({b}, images.options());
  const torch::Tensor one = torch::ones({b}, images.options());
  switch (kind) {
    case EditKind::Zoom:
      return resample(images, affine(1.0 / a, zero, zero, 1.0 / a, zero, zero));
    case EditKind::ShiftX:  // the normalised width is 2
      return resample(images, affine(one, zero, zero, one, -2.0 * a, zero));
    case EditKind::ShiftY:
      return resample(images, affine(one, zero, zero, one, zero, -2.0 * a));
    case EditKind::Rotate: {
      // Pixel rows grow downwards, so a counter-clockwise turn on screen samples the input at
      // the output position turned clockwise in (x, y-down) coordinates.
      const torch::Tensor radians = a * (M_PI / 180.0);
      const torch::Tensor c = torch::cos(radians), s = torch::sin(radians);
      return resample(images, affine(c, -s, s, c, zero, zero));
    }
    default: break;
  }
  EditedImages out;
  out.mask = torch::ones({b, 1, images.size(2), images.size(3)}, images.options());
  const torch::Tensor shift = (2.0 * a).view({b, 1, 1, 1});  // [0, 1] amounts on the [-1, 1] scale
  if (kind == EditKind::Brightness) {
    out.images = (images + shift).clamp(-1, 1);
  } else if (kind == EditKind::Contrast) {
    out.images = (images * (1.0 + a).view({b, 1, 1, 1})).clamp(-1, 1);  // around mid-grey
  } else {
    if (images.size(1) != 3) {
      throw std::invalid_argument(fmt::format("pixel edit {} needs RGB images, these have {} channel(s)", editName(kind), images.size(1)));
    }
    const int64_t channel = factsOf(kind).channel;
    out.images = images.clone();
    out.images.select(1, channel).add_(shift.view({b, 1, 1})).clamp_(-1, 1);
  }
  return out;
}

}  // namespace genrep
