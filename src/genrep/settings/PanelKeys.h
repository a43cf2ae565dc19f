#pragma once
// panel.*: a view panel (`genrep views`), bound over ViewPanelOptions (its initialisers are the
// defaults) and the walks folder that adds a steering group.
//
//   addPanelKeys(schema);
//   ViewPanelOptions options = viewPanelOptionsFromConfig(config);   // + run.seed, the walks loaded
#include "genrep/report/ViewPanel.h"

namespace genrep {

class Config;
class ConfigSchema;

void addPanelKeys(ConfigSchema& schema);
ViewPanelOptions viewPanelOptionsFromConfig(const Config& config);

}  // namespace genrep
