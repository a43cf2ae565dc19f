// genrep report FOLDER...: one self-contained HTML page of what run folders hold (docs/report.md).
// It reads and writes files only: no run folder of its own, no LibTorch work.
#include <filesystem>

#include <fmt/format.h>

#include "genrep/Command.h"
#include "genrep/core/TextList.h"
#include "genrep/report/HtmlReport.h"

namespace genrep::app {
namespace {

// The whole command runs before a run folder would be made (CommandSpec::beforeRun): true = done.
bool writeReportPage(const Config& config, const ConfigSchema& /*schema*/) {
  std::vector<std::filesystem::path> folders;
  for (const std::string& folder : splitList(config.getString("report.folders"))) folders.emplace_back(folder);
  if (folders.empty()) throw std::invalid_argument("report.folders: no folder to report on (genrep report FOLDER...)");
  const std::string out = config.getString("report.out");
  const std::filesystem::path file = out.empty() ? folders.front() / "report.html" : std::filesystem::path(out);
  const size_t sections = writeReport(folders, file);
  std::error_code ec;
  fmt::print("wrote {}  ({} section{}, {:.0f} KB; open it in a browser, no network needed)\n", file.string(), sections,
             sections == 1 ? "" : "s", static_cast<double>(std::filesystem::file_size(file, ec)) / 1024);
  return true;
}

}  // namespace

std::vector<CommandSpec> reportCommands() {
  CommandSpec spec{{"report"},
                   "one offline HTML page of run folders: studies, the demo, encoder and GAN runs, generators, walks, view panels",
                   [](ConfigSchema& schema) {
                     schema.addString("report.folders", "", "run or generator folders, comma-separated (the positional FOLDER...)");
                     schema.addString("report.out", "", "the page to write; empty = report.html in the first folder").role(KeyRole::Operational);
                   },
                   {{"--out", "report.out"}},
                   [](CommandContext&) {}};
  spec.positionalKey = "report.folders";
  spec.positionalHelp = "the folders to report on";
  spec.positionalMany = true;
  spec.beforeRun = writeReportPage;
  return {spec};
}

}  // namespace genrep::app
