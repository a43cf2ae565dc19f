#include "genrep/settings/PanelKeys.h"

#include <filesystem>
#include <memory>

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/steer/SteeringWalks.h"

namespace genrep {
namespace {

struct PanelWalks {
  std::filesystem::path path;
};

// writeViewPanel checks the values it is given.
const SettingBinding<ViewPanelOptions>& panelSettings() {
  using O = ViewPanelOptions;
  static const SettingBinding<O> binding = SettingBinding<O>()
                                               .add("panel.anchors", &O::anchors, "rows (anchors, classes balanced)")
                                               .add("panel.sigmas", &O::sigmas, "gaussian latent view sigmas, one column group each")
                                               .add("panel.per_group", &O::perGroup, "views shown per sigma and for independent")
                                               .add("panel.independent", &O::independent, "show independent views (conditional generators)")
                                               .add("panel.truncation", &O::truncation, "anchors: z = truncation * TN(-2, 2)");
  return binding;
}

const SettingBinding<PanelWalks>& panelWalksSettings() {
  static const SettingBinding<PanelWalks> binding = SettingBinding<PanelWalks>().add(
      "panel.walks", &PanelWalks::path, "steering walks folder (`genrep steer train`): adds a steering group");
  return binding;
}

}  // namespace

void addPanelKeys(ConfigSchema& schema) {
  panelSettings().addKeys(schema);
  panelWalksSettings().addKeys(schema);
}

ViewPanelOptions viewPanelOptionsFromConfig(const Config& config) {
  ViewPanelOptions options = panelSettings().read(config);
  options.seed = runOptionsFromConfig(config).seed;
  if (const PanelWalks walks = panelWalksSettings().read(config); !walks.path.empty()) {
    options.walks = std::make_shared<const SteeringWalks>(loadSteeringWalks(walks.path));
  }
  return options;
}

}  // namespace genrep
