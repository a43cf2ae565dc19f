#include "genrep/report/RunReport.h"

#include <algorithm>

#include <functional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/FileIO.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;

bool present(const fs::path& file) {
  std::error_code ec;
  return fs::exists(file, ec);
}

std::string base64(const std::vector<uint8_t>& bytes) {
  static const char* const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const auto byte = [&](size_t k) { return k < bytes.size() ? static_cast<uint32_t>(bytes[k]) : 0u; };
    const uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += digits[n >> 18 & 63];
    out += digits[n >> 12 & 63];
    out += i + 1 < bytes.size() ? digits[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? digits[n & 63] : '=';
  }
  return out;
}

// The numeric records of a metrics file (a torn last line, as a killed run leaves, is skipped).
nlohmann::json metricsOf(const fs::path& file) {
  nlohmann::json records = nlohmann::json::array();
  std::istringstream lines(readFileText(file));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object()) records.push_back(record);
  }
  return records;
}

nlohmann::json section(const std::string& kind, const fs::path& folder, const std::string& command) {
  return {{"kind", kind}, {"folder", folder.string()}, {"command", command}};
}

nlohmann::json errorSection(const std::string& kind, const fs::path& folder, const std::string& message) {
  nlohmann::json s = section("error", folder, "");
  s["of"] = kind;
  s["message"] = message;
  return s;
}

std::string configCommand(const std::string& command, const fs::path& folder) {
  return fmt::format("genrep {} --config {}", command, (folder / "config.toml").string());
}

// The settings as the run resolved them, shown collapsed.
void addConfig(nlohmann::json& s, const fs::path& folder) {
  if (present(folder / "config.toml")) s["config"] = readFileText(folder / "config.toml");
}

// A points' training records without the config each carries (the page's size).
nlohmann::json withoutConfigs(nlohmann::json results) {
  if (results.contains("points")) {
    for (nlohmann::json& p : results["points"]) {
      if (p.contains("training")) p["training"].erase("config");
    }
  }
  return results;
}

nlohmann::json studySection(const fs::path& folder, const nlohmann::json& results) {
  nlohmann::json s = section("experiment", folder, configCommand("experiment", folder));
  s["results"] = withoutConfigs(results);
  return s;
}

// Each trained method's learning curves, per seed (seed-<s>/<method>/metrics.jsonl): the loss
// and the online kNN monitor's readings, the rest of each record left out.
nlohmann::json demoCurves(const fs::path& folder) {
  nlohmann::json curves = nlohmann::json::array();
  std::error_code ec;
  for (const auto& seed : fs::directory_iterator(folder, ec)) {
    const std::string seedName = seed.path().filename().string();
    if (!seed.is_directory(ec) || seedName.rfind("seed-", 0) != 0) continue;
    for (const auto& method : fs::directory_iterator(seed.path(), ec)) {
      if (!present(method.path() / "metrics.jsonl")) continue;
      nlohmann::json loss = nlohmann::json::array(), knn = nlohmann::json::array();
      for (const nlohmann::json& r : metricsOf(method.path() / "metrics.jsonl")) {
        if (r.contains("loss") && r.contains("step")) loss.push_back({r["step"], r["loss"]});
        if (r.value("event", "") == "monitor" && r.contains("knn_top1")) knn.push_back({r["step"], r["knn_top1"]});
      }
      if (loss.empty() && knn.empty()) continue;
      curves.push_back({{"method", method.path().filename().string()}, {"seed", seedName}, {"loss", loss}, {"knn_top1", knn}});
    }
  }
  return curves;
}

// The feature maps (map.json, 2-D principal coordinates of test images by class) of the first
// seed's methods.
nlohmann::json demoMaps(const fs::path& folder) {
  std::vector<fs::path> seeds;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory(ec) && entry.path().filename().string().rfind("seed-", 0) == 0) seeds.push_back(entry.path());
  }
  nlohmann::json maps = nlohmann::json::array();
  if (seeds.empty()) return maps;
  std::sort(seeds.begin(), seeds.end());
  std::vector<fs::path> methods;
  for (const auto& entry : fs::directory_iterator(seeds.front(), ec)) {
    if (present(entry.path() / "map.json")) methods.push_back(entry.path());
  }
  std::sort(methods.begin(), methods.end());
  for (const fs::path& method : methods) {
    nlohmann::json map = readJsonFile(method / "map.json");
    map["method"] = method.filename().string();
    map["seed"] = seeds.front().filename().string();
    maps.push_back(std::move(map));
  }
  return maps;
}

nlohmann::json demoSection(const fs::path& folder, const nlohmann::json& results) {
  nlohmann::json s = section("demo", folder, configCommand("demo", folder));
  s["results"] = results;
  s["curves"] = demoCurves(folder);
  s["maps"] = demoMaps(folder);
  return s;
}

nlohmann::json encoderSection(const fs::path& folder) {
  nlohmann::json s = section("encoder", folder, configCommand("train", folder));
  s["metrics"] = metricsOf(folder / "metrics.jsonl");
  if (present(folder / "eval.json")) s["eval"] = withoutConfigs(readJsonFile(folder / "eval.json"));
  if (present(folder / "encoder" / "manifest.json")) {
    nlohmann::json manifest = readJsonFile(folder / "encoder" / "manifest.json");
    if (manifest.contains("training")) manifest["training"].erase("config");
    s["manifest"] = manifest;
  }
  addConfig(s, folder);
  return s;
}

nlohmann::json ganSection(const fs::path& folder, nlohmann::json metrics) {
  nlohmann::json s = section("gan", folder, configCommand("gan train", folder));
  s["metrics"] = std::move(metrics);
  if (present(folder / "generator" / "samples.png")) s["samples"] = pngDataUrl(folder / "generator" / "samples.png");
  addConfig(s, folder);
  return s;
}

nlohmann::json generatorSection(const fs::path& folder, nlohmann::json manifest) {
  nlohmann::json s = section("generator", folder, fmt::format("genrep gan eval --generator {}", folder.string()));
  if (manifest.contains("training")) manifest["training"].erase("config");
  s["manifest"] = manifest;
  if (present(folder / "quality.json")) {
    nlohmann::json quality = readJsonFile(folder / "quality.json");
    quality.erase("settings");
    s["quality"] = quality;
  }
  if (present(folder / "training-metrics.jsonl")) s["metrics"] = metricsOf(folder / "training-metrics.jsonl");
  if (present(folder / "samples.png")) s["samples"] = pngDataUrl(folder / "samples.png");
  return s;
}

nlohmann::json walksSection(const fs::path& folder) {
  nlohmann::json s = section("walks", folder, configCommand("steer train", folder));
  nlohmann::json walks = readJsonFile(folder / "walks.json");
  for (nlohmann::json& w : walks["walks"]) w.erase("direction");
  s["walks"] = walks;
  if (present(folder / "metrics.jsonl")) s["metrics"] = metricsOf(folder / "metrics.jsonl");
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".png") s["panels"][entry.path().filename().string()] = pngDataUrl(entry.path());
  }
  return s;
}

nlohmann::json viewsSection(const fs::path& folder) {
  nlohmann::json s = section("views", folder, configCommand("views", folder));
  s["layout"] = readJsonFile(folder / "views.json");
  s["image"] = pngDataUrl(folder / "views.png");
  return s;
}

// Each kind found in `folder`, by its files; a file that fails to read becomes an error section.
std::vector<nlohmann::json> sectionsOf(const fs::path& folder) {
  std::vector<nlohmann::json> sections;
  const auto attempt = [&](const std::string& kind, const std::function<nlohmann::json()>& make) {
    try {
      sections.push_back(make());
    } catch (const std::exception& error) {
      sections.push_back(errorSection(kind, folder, error.what()));
    }
  };
  if (present(folder / "results.json")) {
    attempt("results", [&] {
      const nlohmann::json results = readJsonFile(folder / "results.json");
      if (results.contains("study")) return studySection(folder, results);
      if (results.contains("generator_quality")) return demoSection(folder, results);
      throw std::invalid_argument(fmt::format("{}: neither a study's nor the demo's results", (folder / "results.json").string()));
    });
  }
  if (present(folder / "manifest.json")) {
    attempt("generator", [&] {
      nlohmann::json manifest = readJsonFile(folder / "manifest.json");
      if (manifest.value("format", "") != "genrep-generator") {
        throw std::invalid_argument(fmt::format("{}: not a genrep generator manifest", (folder / "manifest.json").string()));
      }
      return generatorSection(folder, std::move(manifest));
    });
  }
  if (present(folder / "walks.json")) attempt("walks", [&] { return walksSection(folder); });
  const bool viewPanel = present(folder / "views.json") || present(folder / "views.png");
  if (viewPanel) attempt("views", [&] { return viewsSection(folder); });
  // Every run folder has a metrics.jsonl; those of walks, results and view panels hold no training.
  if (present(folder / "metrics.jsonl") && !present(folder / "walks.json") && !present(folder / "results.json") && !viewPanel) {
    attempt("training", [&] {
      nlohmann::json metrics = metricsOf(folder / "metrics.jsonl");
      for (const nlohmann::json& record : metrics) {
        if (record.contains("loss_d")) return ganSection(folder, std::move(metrics));
      }
      if (present(folder / "encoder") || present(folder / "checkpoint.pt")) return encoderSection(folder);
      throw std::invalid_argument(fmt::format("{}: no encoder or GAN training here yet", (folder / "metrics.jsonl").string()));
    });
  }
  return sections;
}

}  // namespace

std::string pngDataUrl(const fs::path& file) { return "data:image/png;base64," + base64(readFileBytes(file)); }

std::vector<nlohmann::json> reportSections(const fs::path& folder) { return sectionsOf(folder); }

nlohmann::json collectReport(const std::vector<fs::path>& folders) {
  if (folders.empty()) throw std::invalid_argument("report: no folder to report on (genrep report FOLDER...)");
  nlohmann::json data = {{"sections", nlohmann::json::array()}, {"folders", nlohmann::json::array()}};
  for (const fs::path& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw std::invalid_argument(fmt::format("report: {} is not a folder", folder.string()));
    const std::vector<nlohmann::json> sections = sectionsOf(folder);
    if (sections.empty()) {
      throw std::invalid_argument(fmt::format("report: {} holds no run genrep reports on (results.json, metrics.jsonl, manifest.json, "
                                              "walks.json or views.json)",
                                              folder.string()));
    }
    for (const nlohmann::json& s : sections) data["sections"].push_back(s);
    data["folders"].push_back(folder.string());
  }
  return data;
}

}  // namespace genrep
