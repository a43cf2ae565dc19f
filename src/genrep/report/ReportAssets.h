#pragma once
// The report page's assets, embedded at build time (cmake/EmbedAssets.cmake): Chart.js from
// Debian's libjs-chart.js (MIT; its licence header stays in the page), and genrep's own script
// and style (report/page/). Each is a nullptr-terminated list of pieces, to be concatenated.
namespace genrep::assets {

extern const char* const kChartJs[];
extern const char* const kReportJs[];
extern const char* const kReportCss[];

}  // namespace genrep::assets
