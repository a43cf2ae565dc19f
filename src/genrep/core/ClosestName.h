#pragma once
// The closest of some known names to a misspelt one, for "did you mean" in errors: config keys,
// subcommands, flags.
//
//   closestName("trian", {"train", "eval", "demo"});   // "train"
//   closestName("xyz", {"train", "eval"});             // "": nothing is close
#include <cstddef>
#include <string>
#include <vector>

namespace genrep {

// Levenshtein distance: insertions, deletions and substitutions of one character.
size_t editDistance(const std::string& a, const std::string& b);

// The candidate within max(2, |name| / 3) edits of `name` with the fewest edits (the first of
// equals), or "" when none is that close.
std::string closestName(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace genrep
