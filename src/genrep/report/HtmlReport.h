#pragma once
// A report as one self-contained HTML file: the style, Chart.js, the data (the JSON of
// report/RunReport.h, so the page is also the machine-readable record) and the script that
// draws it, all inline. Opened from disk with no network; a section whose data is missing or
// malformed shows a message in its place. docs/report.md says what each kind of run shows.
//
//   writeReport({"runs/experiment-sigma"}, "runs/experiment-sigma/report.html");
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace genrep {

// The page for `data` (collectReport's JSON).
std::string reportPage(const nlohmann::json& data);

// collectReport(folders) written atomically to `out` (its folder made when missing); returns the
// number of sections.
size_t writeReport(const std::vector<std::filesystem::path>& folders, const std::filesystem::path& out);

}  // namespace genrep
