#pragma once
// What a report page shows, read from run folders: one section per thing a folder holds, as
// JSON the page draws (report/HtmlReport.h). Kinds, by the files that say what a folder is:
//   experiment  results.json with "study"                    (genrep experiment)
//   demo        results.json with "generator_quality"        (genrep demo)
//   encoder     metrics.jsonl and encoder/                   (genrep train; a demo or study point)
//   gan         metrics.jsonl with loss_d                    (genrep gan train)
//   generator   manifest.json of format genrep-generator     (a generator folder)
//   walks       walks.json                                   (genrep steer train)
//   views       views.png and views.json                     (genrep views)
// A file that is missing where its kind needs it, or does not parse, gives an "error" section
// naming it, so the page shows a message in place of the figure. Images go in as data URLs.
//
//   nlohmann::json data = collectReport({"runs/experiment-sigma", "runs/demo"});
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace genrep {

// {"sections": [...], "folders": [...]}; throws std::invalid_argument naming a folder that does
// not exist or holds nothing a report can show.
nlohmann::json collectReport(const std::vector<std::filesystem::path>& folders);

// The sections of one folder (empty when it holds nothing a report shows).
std::vector<nlohmann::json> reportSections(const std::filesystem::path& folder);

// "data:image/png;base64,..." of a PNG file.
std::string pngDataUrl(const std::filesystem::path& file);

}  // namespace genrep
