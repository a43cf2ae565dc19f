#include "genrep/report/HtmlReport.h"

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stb_image.h>

#include "genrep/core/FileIO.h"
#include "genrep/report/ImageGrid.h"
#include "genrep/report/RunReport.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;

std::string dumped(const nlohmann::json& j) { return j.dump(2) + "\n"; }

nlohmann::json cell(double mean, double spread) { return {{"mean", mean}, {"spread", spread}}; }

nlohmann::json row(const std::string& method, const std::string& label, const std::string& value, double linear) {
  return {{"method", method}, {"label", label}, {"value", value}, {"linear_top1", cell(linear, 0.01)},
          {"knn_top1", cell(linear - 0.03, 0.01)}, {"few_shot", cell(linear - 0.1, 0.02)}};
}

std::vector<uint8_t> greyPng() {
  std::vector<uint8_t> pixels(8 * 16);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 2);
  return encodePng(pixels.data(), 1, 8, 16);
}

// Small run folders of every kind a report shows, in the formats the commands write.
struct Fixtures {
  test::TempDir dir;
  fs::path experiment = dir / "experiment-samples", demo = dir / "demo", encoder = dir / "train", gan = dir / "gan",
           generator = dir / "generator", walks = dir / "walks", views = dir / "views", broken = dir / "broken",
           methods = dir / "experiment-methods", otherGenerator = dir / "experiment-samples-other", grid = dir / "experiment-grid";

  Fixtures() {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [value, linear] : std::vector<std::pair<std::string, double>>{{"500", 0.70}, {"5000", 0.74}, {"0", 0.76}}) {
      rows.push_back(row("simclr-gaussian", "SimCLR, gaussian", value, linear));
      rows.push_back(row("simclr-tx", "SimCLR, Tx only", value, linear - 0.02));
    }
    // What each point cost: two seeds per method and value.
    nlohmann::json points = nlohmann::json::array();
    for (const char* method : {"simclr-gaussian", "simclr-tx"}) {
      for (const auto& [value, seconds] : std::vector<std::pair<std::string, double>>{{"500", 100.0}, {"5000", 400.0}, {"0", 900.0}}) {
        for (int seed = 0; seed < 2; ++seed) {
          points.push_back({{"method", method}, {"value", value}, {"value2", ""}, {"seed", seed},
                            {"linear", {{"top1", 0.7 + seconds / 1e4}}}, {"cpu_seconds", seconds + seed}});
        }
      }
    }
    test::writeText(experiment / "results.json",
                    dumped({{"study", "samples"}, {"summary", "anchors"}, {"axis", "views.anchors"}, {"values", {"500", "5000", "0"}},
                            {"log_axis", true}, {"methods", {"simclr-gaussian", "simclr-tx"}}, {"references", nlohmann::json::array()},
                            {"paper", "sub-logarithmic"}, {"paper_series", nullptr}, {"seeds_done", 3}, {"rows", rows},
                            {"points", points}, {"cpu", {{"model", "test CPU"}}},
                            {"provenance", {{"machines", {"test CPU (avx2)"}}, {"libtorch", {"2.11.0"}}, {"commits", {"0123abcd"}}}},
                            {"comparisons", nlohmann::json::parse(R"([{"name": "simclr-gaussian@0 vs simclr-gaussian@500", "mixed_pairs": 0,
                              "probes": {"linear": {"seeds": [0, 1, 2], "mean": 6.0, "low": 4.5, "high": 7.5, "verdict": "holds"},
                                         "knn": {"seeds": [0], "mean": -1.0, "low": -1.0, "high": -1.0, "verdict": "1 seed: no verdict"}}}])")}}));
    test::writeText(experiment / "config.toml", "[experiment]\nstudy = 'samples'\n");
    // The same study on another generator: the page draws the two side by side.
    nlohmann::json other = nlohmann::json::parse(readFileText(experiment / "results.json"));
    for (nlohmann::json& r : other["rows"]) r["linear_top1"]["mean"] = r["linear_top1"]["mean"].get<double>() - 0.05;
    other["settings"] = {{"gen.path", "models/other-gan"}};
    test::writeText(otherGenerator / "results.json", other.dump());
    // A study with a second axis: one line per method and value of it.
    nlohmann::json gridRows = nlohmann::json::array();
    for (const std::string steps : {"200", "400"}) {
      for (const auto& [value, linear] : std::vector<std::pair<std::string, double>>{{"0.25", 0.80}, {"0.5", 0.82}, {"1.0", 0.81}}) {
        nlohmann::json r = row("simclr-gaussian", "SimCLR, gaussian (learn.steps = " + steps + ")", value, linear + (steps == "400" ? 0.02 : 0));
        r["value2"] = steps;
        gridRows.push_back(r);
      }
    }
    test::writeText(grid / "results.json",
                    dumped({{"study", "grid"}, {"summary", "sigma x steps"}, {"axis", "views.sigma"}, {"values", {"0.25", "0.5", "1.0"}},
                            {"axis2", "learn.steps"}, {"values2", {"200", "400"}}, {"log_axis", false}, {"methods", {"simclr-gaussian"}},
                            {"references", nlohmann::json::array()}, {"paper", ""}, {"paper_series", nullptr}, {"seeds_done", 3},
                            {"rows", gridRows}, {"points", nlohmann::json::array()}, {"cpu", {{"model", "test CPU"}}}}));
    // A study without an axis: a table of methods, drawn as the demo's.
    test::writeText(methods / "results.json",
                    dumped({{"study", "methods"}, {"summary", "the demo's table"}, {"axis", ""}, {"values", nlohmann::json::array()},
                            {"log_axis", false}, {"methods", nlohmann::json::array()}, {"references", {"simclr-tx", "pixels"}},
                            {"paper", ""}, {"paper_series", nullptr}, {"seeds_done", 2},
                            {"rows", {row("simclr-tx", "SimCLR, Tx only", "", 0.77), row("pixels", "Raw pixels (baseline)", "", 0.83)}},
                            {"points", nlohmann::json::array()}, {"cpu", {{"model", "test CPU"}}}}));

    test::writeText(demo / "results.json",
                    dumped({{"rows", {row("simclr-tx", "SimCLR, Tx only", "", 0.77), row("supcon-gaussian", "SupCon, gaussian", "", 0.79),
                                      row("pixels", "Raw pixels (baseline)", "", 0.83), row("random", "Random encoder (baseline)", "", 0.66)}},
                            {"seeds", 1}, {"first_seed", 0}, {"generator_quality", {{"class_consistency", 0.9}}}, {"cpu", {{"model", "test"}}}}));

    // The demo's sub-runs: two methods' curves at one seed.
    for (const char* method : {"simclr-tx", "supcon-gaussian"}) {
      std::string curve;
      for (int step = 10; step <= 30; step += 10) {
        curve += fmt::format("{{\"step\":{},\"loss\":{}}}\n{{\"event\":\"monitor\",\"step\":{},\"knn_top1\":0.6}}\n", step, 6.0 - step * 0.1, step);
      }
      test::writeText(demo / "seed-0" / method / "metrics.jsonl", curve);
      test::writeText(demo / "seed-0" / method / "map.json",
                      R"({"x": [0.5, -1, 2], "y": [1, 0, -0.5], "labels": [0, 1, 1], "explained": 0.4, "images": 3, "class_names": ["a", "b"]})");
    }

    std::string metrics;
    for (int step = 10; step <= 40; step += 10) {
      metrics += fmt::format("{{\"step\":{},\"loss\":{},\"lr\":0.03,\"views_per_second\":300,\"generate_share\":0.5,\"augment_share\":0.02}}\n",
                             step, 7.0 - step * 0.05);
      metrics += fmt::format("{{\"event\":\"monitor\",\"step\":{},\"knn_top1\":{}}}\n", step, 0.5 + step * 0.005);
    }
    test::writeText(encoder / "metrics.jsonl", metrics);
    test::writeText(encoder / "config.toml", "[learn]\nsteps = 40\n");
    test::writeText(encoder / "eval.json", dumped({{"linear", {{"top1", 0.8}}}, {"knn", {{"top1", 0.75}}}, {"few_shot", cell(0.7, 0.02)}}));
    fs::create_directories(encoder / "encoder");

    std::string ganMetrics;
    for (int step = 50; step <= 200; step += 50) {
      ganMetrics += fmt::format("{{\"step\":{},\"loss_d\":1.3,\"loss_g\":0.6}}\n{{\"step\":{},\"class_consistency\":{}}}\n", step, step, step / 400.0);
    }
    test::writeText(gan / "metrics.jsonl", ganMetrics);
    test::writeBytes(gan / "generator" / "samples.png", greyPng());

    test::writeText(generator / "manifest.json", dumped({{"format", "genrep-generator"}, {"kind", "genrep-gan"}, {"parameters", 1000},
                                                         {"latent_dim", 8}, {"classes", 0}, {"image_shape", {1, 8, 8}}}));
    test::writeText(generator / "quality.json", dumped({{"class_consistency", nullptr}, {"frechet_distance", 1.5},
                                                        {"frechet_distance_floor", 0.2}, {"tstr_accuracy", nullptr},
                                                        {"predicted_class_shares", {0.5, 0.5, 0.0}}, {"class_names", {"a", "b", "c"}},
                                                        {"neighbour_class_change",
                                                         {{"pairs", 100},
                                                          {"gaussian", {{{"sigma", 0.5}, {"changed", 0.2}, {"standard_error", 0.04}},
                                                                        {{"sigma", 1.0}, {"changed", 0.4}, {"standard_error", 0.05}}}},
                                                          {"independent", {{"changed", 0.7}, {"standard_error", 0.05}}}}}}));
    test::writeText(generator / "training-metrics.jsonl", ganMetrics);
    test::writeBytes(generator / "samples.png", greyPng());

    nlohmann::json walkList = nlohmann::json::array();
    for (const char* edit : {"zoom", "shift_x"}) {
      walkList.push_back({{"edit", edit}, {"min", -1}, {"max", 1}, {"log_scale", false}, {"direction", {0.1, 0.2}},
                          {"report", {{"achieved", 0.2}, {"walk_mse", 0.1}, {"identity_mse", 0.3}}}});
    }
    test::writeText(walks / "walks.json", dumped({{"format", "genrep-walks"}, {"walks", walkList}}));
    test::writeText(walks / "metrics.jsonl", "{\"step\":5,\"loss_zoom\":0.3,\"loss_shift_x\":0.2}\n{\"step\":10,\"loss_zoom\":0.2,\"loss_shift_x\":0.1}\n");

    test::writeText(views / "views.json", dumped({{"rows", 2}, {"columns", 4}, {"groups", {{{"view", "anchor"}, {"columns", 1}},
                                                                                          {{"view", "gaussian 0.5"}, {"columns", 3}}}}}));
    test::writeBytes(views / "views.png", greyPng());
    test::writeText(views / "metrics.jsonl", "");  // as `genrep views` leaves it: no training, and no error section for it

    test::writeText(broken / "results.json", "{\"study\": \"sigma\", \"rows\": [");  // a torn file
  }
};

TEST(RunReport, FindsEveryKindAndNamesWhatItCannotRead) {
  Fixtures f;
  const nlohmann::json data = collectReport({f.experiment, f.demo, f.encoder, f.gan, f.generator, f.walks, f.views, f.broken});
  std::vector<std::string> kinds;
  for (const nlohmann::json& s : data["sections"]) kinds.push_back(s["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"experiment", "demo", "encoder", "gan", "generator", "walks", "views", "error"}));
  const nlohmann::json& error = data["sections"][7];
  EXPECT_NE(error["message"].get<std::string>().find("results.json"), std::string::npos) << error.dump();
  EXPECT_EQ(data["sections"][0]["command"], "genrep experiment --config " + (f.experiment / "config.toml").string());
  EXPECT_EQ(data["sections"][2]["metrics"].size(), 8u);
  EXPECT_EQ(data["sections"][5]["walks"]["walks"][0].count("direction"), 0u) << "the directions are not a report's";
  EXPECT_EQ(pngDataUrl(f.views / "views.png").rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u);

  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { collectReport({f.dir / "nothing-here"}); }).find("is not a folder"), std::string::npos);
  fs::create_directories(f.dir / "empty");
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { collectReport({f.dir / "empty"}); }).find("holds no run"), std::string::npos);
}

TEST(HtmlReport, IsOneFileWithItsLibraryAndDataInline) {
  Fixtures f;
  test::writeText(f.experiment / "config.toml", "# a </script> in the data must not end the element\n");
  const fs::path page = f.dir / "report.html";
  EXPECT_EQ(writeReport({f.experiment, f.encoder}, page), 2u);
  const std::string html = readFileText(page);
  EXPECT_NE(html.find("Chart.js v3"), std::string::npos) << "Chart.js is inline, with its licence header";
  EXPECT_EQ(html.find("src=\"http"), std::string::npos) << "nothing is fetched";
  EXPECT_EQ(html.find("a </script> in"), std::string::npos);
  const size_t start = html.find("id=\"report-data\">") + 17;
  const nlohmann::json data = nlohmann::json::parse(html.substr(start, html.find("</script>", start) - start));
  EXPECT_EQ(data["sections"].size(), 2u) << "the page is also the machine-readable record";
}

// --- in a real browser ---------------------------------------------------------------------

fs::path chromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (fs::exists(candidate)) return candidate;
  }
  return {};
}

// Runs headless chromium on `page` with `flags`; returns its stdout.
std::string browse(const fs::path& page, const std::string& flags, const fs::path& dir) {
  const fs::path out = dir / "browser.out";
  const std::string command = fmt::format("timeout 120 {} --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars "
                                          "--virtual-time-budget=10000 {} 'file://{}' > '{}' 2> '{}'",
                                          chromium().string(), flags, page.string(), out.string(), (dir / "browser.err").string());
  const int status = std::system(command.c_str());
  EXPECT_EQ(status, 0) << command << "\n" << readFileText(dir / "browser.err");
  return fs::exists(out) ? readFileText(out) : "";
}

std::map<std::string, int> drawnMarks(const std::string& dom) {
  std::map<std::string, int> marks;
  const std::regex figure(R"re(data-figure="([^"]+)"[^>]*data-marks="(\d+)")re");
  for (std::sregex_iterator it(dom.begin(), dom.end(), figure), end; it != end; ++it) marks[(*it)[1]] = std::stoi((*it)[2]);
  return marks;
}

TEST(HtmlReportInBrowser, DrawsEveryFigureWithoutAnErrorAndShowsMessagesForBadData) {
  if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it): the page is not opened";
  Fixtures f;
  const fs::path page = f.dir / "report.html";
  writeReport({f.experiment, f.otherGenerator, f.grid, f.methods, f.demo, f.encoder, f.gan, f.generator, f.walks, f.views, f.broken}, page);

  const std::string dom = browse(page, "--dump-dom", f.dir.path());
  EXPECT_NE(dom.find("data-rendered=\"yes\""), std::string::npos) << "the script ran to its end";
  EXPECT_NE(dom.find("data-errors=\"0\""), std::string::npos) << "no error in the console";
  const std::map<std::string, int> marks = drawnMarks(dom);
  // The demo's learning curves: two methods x three steps each, on the loss and on the monitor.
  EXPECT_EQ(marks.at("demo-curve-loss"), 2 * 3);
  EXPECT_EQ(marks.at("demo-curve-knn_top1"), 2 * 3);
  EXPECT_EQ(marks.at("demo-map-simclr-tx"), 3) << "a point per test image of the map";
  for (const char* expected : {"experiment-samples-linear_top1", "experiment-samples-knn_top1", "experiment-samples-few_shot",
                               "experiment-methods-linear_top1", "experiment-methods-few_shot", "demo-linear_top1",
                               "demo-knn_top1", "demo-few_shot", "encoder-loss", "encoder-monitor", "encoder-speed", "gan-losses", "gan-quality",
                               "gan-samples", "generator-samples", "generator-classes", "generator-neighbours", "walks-fit", "walks-loss", "views-panel"}) {
    const auto found = marks.find(expected);
    ASSERT_NE(found, marks.end()) << expected << " is not on the page";
    EXPECT_GT(found->second, 0) << expected << " drew no data";
  }
  // Three values x two methods, each with a band (two more series) over three seeds.
  EXPECT_EQ(marks.at("experiment-samples-linear_top1"), 3 * 2 * 3);
  EXPECT_EQ(marks.at("experiment-samples-cost"), 2 * 3) << "a point per method and value against its CPU seconds";
  EXPECT_EQ(marks.count("experiment-grid-cost"), 0u) << "no point recorded its cost";
  // A second axis: two lines (its two values) of three points, each with its band.
  EXPECT_EQ(marks.at("experiment-grid-linear_top1"), 2 * 3 * 3);
  EXPECT_NE(dom.find("SimCLR, gaussian (learn.steps = 400)"), std::string::npos) << "the table has a row per line";
  for (const char* cell : {"simclr-gaussian@0 vs simclr-gaussian@500", "+6.00 [+4.50, +7.50] holds", "-1.00 (1 seed: no verdict)",
                           "not run yet", "ran on test CPU (avx2), LibTorch 2.11.0"}) {
    EXPECT_NE(dom.find(cell), std::string::npos) << "the study's comparisons and provenance: " << cell;
  }
  // Two runs of the study x two methods x three values, no bands.
  EXPECT_EQ(marks.at("compare-samples-linear_top1"), 2 * 2 * 3);
  EXPECT_NE(dom.find("and models/other-gan: one colour per run"), std::string::npos) << "the runs are named by their generator";
  EXPECT_EQ(marks.at("encoder-monitor"), 4);
  EXPECT_EQ(marks.at("generator-classes"), 3 + 3) << "a bar per class and the uniform share's line";
  EXPECT_EQ(marks.at("generator-neighbours"), 2 + 2) << "a point per sigma and the independent share's line";
  EXPECT_NE(dom.find("anchor (1)"), std::string::npos) << "the view panel's columns are labelled";
  EXPECT_NE(dom.find("<span class=\"gap\""), std::string::npos) << "the empty cell between view groups has its spacer in the labels";
  EXPECT_NE(dom.find("class=\"message\""), std::string::npos) << "the torn results.json shows a message";
  EXPECT_NE(dom.find((f.broken / "results.json").string()), std::string::npos);

  // A screenshot that is not blank: many pixels that are not the white background.
  const fs::path shot = f.dir / "shot.png";
  browse(page, fmt::format("--window-size=1280,2000 --screenshot='{}'", shot.string()), f.dir.path());
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load(shot.c_str(), &width, &height, &channels, 3);
  ASSERT_NE(pixels, nullptr) << "no screenshot";
  int64_t inked = 0;
  std::set<int> colours;
  for (int64_t i = 0; i < static_cast<int64_t>(width) * height; ++i) {
    const unsigned char* p = pixels + 3 * i;
    if (p[0] < 240 || p[1] < 240 || p[2] < 240) ++inked;
    colours.insert(p[0] << 16 | p[1] << 8 | p[2]);
  }
  stbi_image_free(pixels);
  EXPECT_GT(inked, static_cast<int64_t>(width) * height / 50) << "the screenshot is (nearly) blank";
  EXPECT_GT(colours.size(), 50u);

  // A page whose data do not parse says so on the page instead of showing nothing.
  std::string html = readFileText(page);
  html.insert(html.find("id=\"report-data\">") + 17, "{not json");
  test::writeText(f.dir / "corrupt.html", html);
  const std::string corrupt = browse(f.dir / "corrupt.html", "--dump-dom", f.dir.path());
  EXPECT_NE(corrupt.find("do not parse"), std::string::npos) << corrupt.substr(0, 2000);
}

}  // namespace
}  // namespace genrep
