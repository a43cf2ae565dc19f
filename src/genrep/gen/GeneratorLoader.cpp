#include "genrep/gen/GeneratorLoader.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/FileIO.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/TorchScriptGenerator.h"

namespace genrep {

std::unique_ptr<Generator> loadGenerator(const std::filesystem::path& folder) {
  const std::filesystem::path manifestFile = folder / "manifest.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(manifestFile, ec)) {
    throw std::invalid_argument(fmt::format("{} is not a generator folder: no manifest.json (train one with `genrep gan train`, "
                                            "or export a TorchScript generator: docs/generators.md)",
                                            folder.string()));
  }
  const std::string kind = readJsonFile(manifestFile).value("kind", "");
  if (kind == "genrep-gan") return loadGanGenerator(folder);
  if (kind == "torchscript") return loadTorchScriptGenerator(folder);
  throw std::invalid_argument(
      fmt::format("{}: unknown generator kind \"{}\" (genrep-gan or torchscript)", manifestFile.string(), kind));
}

}  // namespace genrep
