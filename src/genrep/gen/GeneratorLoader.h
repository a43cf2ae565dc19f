#pragma once
// Opens any generator folder by its manifest's "kind": "genrep-gan" (genrep's own GAN) or
// "torchscript" (a module the user brings). Everything that takes a generator goes
// through here, so both kinds work wherever one does.
//
//   std::shared_ptr<Generator> g = loadGenerator("models/fashion-mnist-cgan");   // from a config: settings/GeneratorKeys.h
#include <filesystem>
#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "genrep/gen/Generator.h"

namespace genrep {

// folder/manifest.json, parsed; throws std::invalid_argument naming the folder when there is
// none. Every generator loader reads its manifest through here.
nlohmann::json readGeneratorManifest(const std::filesystem::path& folder);

// Throws std::invalid_argument naming the folder when it is not a generator folder.
std::unique_ptr<Generator> loadGenerator(const std::filesystem::path& folder);

}  // namespace genrep
