#pragma once
// The pixel edits that steering walks learn to reproduce (docs/steering.md): geometric ones through
// an affine resampling (zoom, shift, rotation) and photometric ones (brightness, contrast, a
// colour channel). Each returns the edited images and a mask of the pixels the edit defines:
// a zoom out, shift or rotation leaves borders with nothing to show, and those pixels must
// not count in the walk's loss.
//
//   torch::Tensor alpha = torch::full({B}, 0.25);              // shift by a quarter of the width
//   EditedImages e = applyEdit(EditKind::ShiftX, images, alpha);  // e.images, e.mask [B, 1, H, W]
#include <string>
#include <vector>

#include <torch/torch.h>

#include "genrep/core/NameTable.h"

namespace genrep {

enum class EditKind { Zoom, ShiftX, ShiftY, Rotate, Brightness, Contrast, Red, Green, Blue };

struct EditRange {
  double min = -1, max = 1;
  bool logScale = false;  // zoom: log-uniform
};

// An edit with its facts: its name, its default range (scaled from the paper's: zoom 0.5-2
// log-uniform, shift +-25 % of the width, rotation +-30 degrees, brightness, contrast and colour
// +-0.5) and the channel a colour edit moves (-1: not a colour edit; RGB images only).
struct EditFacts {
  EditKind kind;
  std::string name;
  EditRange range;
  int channel = -1;
};
// Every edit, in enum order: the one list that parsing, names, ranges and the colour check come from.
const std::vector<EditFacts>& editTable();
const NameTable<EditKind>& editKinds();

EditKind parseEditKind(const std::string& name);  // throws std::invalid_argument naming steer.edits
std::string editName(EditKind kind);
bool isColourEdit(EditKind kind);
EditRange defaultEditRange(EditKind kind);

struct EditedImages {
  torch::Tensor images;  // [B, C, H, W] in [-1, 1]
  torch::Tensor mask;    // [B, 1, H, W] float: 1 where the edit defines the pixel
};

// images [B, C, H, W] in [-1, 1]; alpha [B] float, the amount of each image's edit: zoom
// factor (> 1 enlarges), shift as a share of the width or height (> 0 moves the content right
// or down), rotation in degrees (> 0 counter-clockwise), brightness / contrast / colour as an
// amount on the [0, 1] pixel scale (0 = unchanged). Throws std::invalid_argument on a colour
// edit of a grey image or on mismatched shapes.
EditedImages applyEdit(EditKind kind, const torch::Tensor& images, const torch::Tensor& alpha);

}  // namespace genrep
