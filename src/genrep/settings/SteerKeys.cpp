#include "genrep/settings/SteerKeys.h"

#include <string>
#include <vector>

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/steer/PixelEdit.h"

namespace genrep {
namespace {

// The edits asked for and the half-widths of their ranges (zoom: its bounds), defaults from the
// edit table. No bounds here: WalkTrainingOptions::validate checks the ranges it is given.
struct EditSettings {
  std::vector<std::string> edits;
  double zoomMin = defaultEditRange(EditKind::Zoom).min;
  double zoomMax = defaultEditRange(EditKind::Zoom).max;
  double shift = defaultEditRange(EditKind::ShiftX).max;
  double rotate = defaultEditRange(EditKind::Rotate).max;
  double brightness = defaultEditRange(EditKind::Brightness).max;
  double contrast = defaultEditRange(EditKind::Contrast).max;
  double colour = defaultEditRange(EditKind::Red).max;
};

const SettingBinding<WalkTrainingOptions>& walkSettings() {
  using O = WalkTrainingOptions;
  static const SettingBinding<O> binding = SettingBinding<O>(KeyRole::Walks)
                                               .add("steer.steps", &O::steps, "Adam steps (each trains every walk on one batch)")
                                               .add("steer.batch", &O::batch, "latents per step and walk")
                                               .add("steer.lr", &O::lr, "Adam learning rate of the walks")
                                               .add("steer.truncation", &O::truncation, "z = truncation * TN(-2, 2)")
                                               .add("steer.eval_samples", &O::evalSamples, "held-out samples that measure each walk");
  return binding;
}

const SettingBinding<EditSettings>& editSettings() {
  using O = EditSettings;
  static const SettingBinding<O> binding =
      SettingBinding<O>(KeyRole::Walks)
          .add("steer.edits", &O::edits,
               "comma-separated edits to learn; empty = zoom, shift_x, shift_y, rotate, brightness, contrast (and red, green, blue for RGB)")
          .add("steer.zoom_min", &O::zoomMin, "zoom factor range (log-uniform)")
          .add("steer.zoom_max", &O::zoomMax, "zoom factor range (log-uniform)")
          .add("steer.shift", &O::shift, "shifts: +- this share of the width / height")
          .add("steer.rotate", &O::rotate, "rotation: +- degrees")
          .add("steer.brightness", &O::brightness, "brightness: +- amount on the [0, 1] pixel scale")
          .add("steer.contrast", &O::contrast, "contrast: factor 1 +- amount")
          .add("steer.colour", &O::colour, "red, green, blue: +- amount on the [0, 1] pixel scale");
  return binding;
}

EditRange symmetric(double halfWidth) { return {-halfWidth, halfWidth, false}; }

}  // namespace

void addSteerKeys(ConfigSchema& schema) {
  editSettings().addKeys(schema);
  walkSettings().addKeys(schema);
}

WalkTrainingOptions walkTrainingOptionsFromConfig(const Config& config, int64_t channels) {
  WalkTrainingOptions options = walkSettings().read(config);
  const EditSettings e = editSettings().read(config);
  if (e.edits.empty()) {
    options.edits = defaultEdits(channels);
  } else {
    for (const std::string& name : e.edits) options.edits.push_back({parseEditKind(name), defaultEditRange(parseEditKind(name))});
  }
  for (EditSpec& edit : options.edits) {
    switch (edit.kind) {
      case EditKind::Zoom: edit.range = {e.zoomMin, e.zoomMax, true}; break;
      case EditKind::ShiftX:
      case EditKind::ShiftY: edit.range = symmetric(e.shift); break;
      case EditKind::Rotate: edit.range = symmetric(e.rotate); break;
      case EditKind::Brightness: edit.range = symmetric(e.brightness); break;
      case EditKind::Contrast: edit.range = symmetric(e.contrast); break;
      case EditKind::Red:
      case EditKind::Green:
      case EditKind::Blue: edit.range = symmetric(e.colour); break;
    }
  }
  options.seed = runOptionsFromConfig(config).seed;
  return options;
}

}  // namespace genrep
