#pragma once
// Comma-separated lists in string settings ("0.25,0.5,1.0", "zoom, shift_x"): config values
// are scalars, so list-valued keys are strings split here.
//
//   std::vector<std::string> edits = splitList("zoom, shift_x");          // {"zoom", "shift_x"}
//   std::vector<double> sigmas = parseNumberList("panel.sigmas", "0.25,0.5");
#include <string>
#include <vector>

namespace genrep {

// Items trimmed of spaces; empty items dropped.
std::vector<std::string> splitList(const std::string& text, char separator = ',');
// Throws std::invalid_argument naming `key` when an item is not a number.
std::vector<double> parseNumberList(const std::string& key, const std::string& text);

}  // namespace genrep
