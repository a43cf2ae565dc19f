#pragma once
// Where genrep finds what it ships and where it caches, whichever folder it runs from:
//   models   ./models (a checkout), then <prefix>/share/genrep/models beside the running binary
//            (`cmake --install`), then the models/ of the source tree it was built from
//   studies  ./configs/studies, then <prefix>/share/genrep/studies, then the source tree's
//   cache    $XDG_CACHE_HOME/genrep, or ~/.cache/genrep (XDG Base Directory specification)
//
//   std::filesystem::path models = shippedModelsFolder();   // "" when none is there
#include <filesystem>
#include <vector>

namespace genrep {

// The generator genrep ships, a folder in the models folder.
inline constexpr const char* kShippedGenerator = "fashion-mnist-cgan";

// The folders searched for the shipped models, in order.
std::vector<std::filesystem::path> modelsFolderCandidates();
// The folders searched for the shipped studies (configs/studies/<name>.toml), in order.
std::vector<std::filesystem::path> studyFolderCandidates();
// The first candidate that holds the shipped generator, or "" when none does.
std::filesystem::path shippedModelsFolder();
// $XDG_CACHE_HOME/genrep when XDG_CACHE_HOME is set (and absolute), else $HOME/.cache/genrep,
// else a genrep-cache folder in the system's temporary folder.
std::filesystem::path userCacheFolder();

}  // namespace genrep
