#pragma once
// sample.*: a generator's sample sheet (`genrep gan sample`, the sheet `gan train` writes), bound
// over SheetOptions (its initialisers are the defaults).
//
//   addSampleKeys(schema);
//   SheetOptions options = sheetOptionsFromConfig(config);   // + run.seed
#include "genrep/report/GeneratorSheet.h"

namespace genrep {

class Config;
class ConfigSchema;

void addSampleKeys(ConfigSchema& schema);
SheetOptions sheetOptionsFromConfig(const Config& config);

}  // namespace genrep
