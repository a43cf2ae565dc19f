#include "genrep/gen/GeneratorLoader.h"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "genrep/core/FileIO.h"
#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/TorchScriptGenerator.h"

namespace genrep {

nlohmann::json readGeneratorManifest(const std::filesystem::path& folder) {
  const std::filesystem::path manifestFile = folder / "manifest.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(manifestFile, ec)) {
    throw std::invalid_argument(fmt::format("{} is not a generator folder: no manifest.json (train one with `genrep gan train`, "
                                            "or export a TorchScript generator: docs/generators.md)",
                                            folder.string()));
  }
  return readJsonFile(manifestFile);
}

std::unique_ptr<Generator> loadGenerator(const std::filesystem::path& folder) {
  nlohmann::json manifest = readGeneratorManifest(folder);
  const std::string kind = manifest.value("kind", "");
  if (kind == "genrep-gan") return loadGanGenerator(folder, std::move(manifest));
  if (kind == "torchscript") return loadTorchScriptGenerator(folder, manifest);
  throw std::invalid_argument(
      fmt::format("{}: unknown generator kind \"{}\" (genrep-gan or torchscript)", (folder / "manifest.json").string(), kind));
}

}  // namespace genrep
