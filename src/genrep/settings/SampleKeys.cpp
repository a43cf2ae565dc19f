#include "genrep/settings/SampleKeys.h"

#include "genrep/core/SettingBinding.h"
#include "genrep/settings/RunKeys.h"

namespace genrep {
namespace {

// writeGeneratorSheet checks the values.
const SettingBinding<SheetOptions>& sheetSettings() {
  using O = SheetOptions;
  static const SettingBinding<O> binding = SettingBinding<O>()
                                               .add("sample.columns", &O::columns, "samples per row (per class for a conditional generator)")
                                               .add("sample.rows", &O::rows, "rows for an unconditional generator")
                                               .add("sample.truncation", &O::truncation, "latent truncation t: z = t * TN(-2, 2)");
  return binding;
}

}  // namespace

void addSampleKeys(ConfigSchema& schema) { sheetSettings().addKeys(schema); }

SheetOptions sheetOptionsFromConfig(const Config& config) {
  SheetOptions options = sheetSettings().read(config);
  options.seed = runOptionsFromConfig(config).seed;
  return options;
}

}  // namespace genrep
