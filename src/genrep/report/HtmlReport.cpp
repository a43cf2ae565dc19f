#include "genrep/report/HtmlReport.h"

#include <chrono>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Version.h"
#include "genrep/report/ReportAssets.h"
#include "genrep/report/RunReport.h"

namespace genrep {
namespace {

std::string joined(const char* const* pieces) {
  std::string text;
  for (; *pieces; ++pieces) text += *pieces;
  return text;
}

// JSON inside <script>: "</" would end the element early; "<\/" is the same JSON string.
std::string scriptSafe(std::string json) {
  for (size_t at = 0; (at = json.find("</", at)) != std::string::npos; at += 3) json.replace(at, 2, "<\\/");
  return json;
}

std::string htmlEscaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string utcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

}  // namespace

std::string reportPage(const nlohmann::json& data) {
  std::string title = "genrep report";
  if (data.contains("folders") && !data["folders"].empty()) title += ": " + data["folders"][0].get<std::string>();
  nlohmann::json page = data;
  page["made"] = utcNow();
  page["genrep"] = kVersion;
  // The first script records every error (the browser test reads them off the page).
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<script>window.reportErrors=[];window.addEventListener('error',function(e){{window.reportErrors.push(String(e.message));}});"
      "(function(){{var f=console.error;console.error=function(){{window.reportErrors.push(Array.prototype.join.call(arguments,' '));"
      "f.apply(console,arguments);}};}})();</script>\n"
      "<style>\n{}\n</style>\n</head>\n<body>\n<main id=\"report\"><p class=\"loading\">Drawing the report (it needs JavaScript).</p></main>\n"
      "<script type=\"application/json\" id=\"report-data\">{}</script>\n<script>\n{}\n</script>\n<script>\n{}\n</script>\n</body>\n</html>\n",
      htmlEscaped(title), joined(assets::kReportCss), scriptSafe(page.dump()), joined(assets::kChartJs), joined(assets::kReportJs));
}

size_t writeReport(const std::vector<std::filesystem::path>& folders, const std::filesystem::path& out) {
  const nlohmann::json data = collectReport(folders);
  // The page's folder is made only once there is something to write into it.
  if (const std::filesystem::path folder = out.parent_path(); !folder.empty() && !std::filesystem::is_directory(folder)) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw std::runtime_error(fmt::format("report: cannot create the folder {} for the page: {}", folder.string(), ec.message()));
  }
  writeFileAtomic(out, reportPage(data));
  return data["sections"].size();
}

}  // namespace genrep
