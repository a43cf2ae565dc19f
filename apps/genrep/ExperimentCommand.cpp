// genrep experiment: a study over one setting as one resumable command. Every point (axis value
// x method x seed) is a sub-run whose folder is named by a hash of its deciding settings, so a
// finished point is reused, an interrupted one resumes from its checkpoint, and a changed
// setting makes a new point instead of mixing results. results.json and table.md are rewritten
// after every point. Presets are the paper's studies (docs/experiments.md); `--config FILE`
// runs one a user writes with experiment.axis, experiment.values and experiment.methods, and
// optionally a second axis (experiment.axis2: one line per method and value of it). A study
// without an axis is a table of methods: `methods` is the demo's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "EncoderRuns.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/core/ChildProcess.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/Hash.h"
#include "genrep/core/InstallPaths.h"
#include "genrep/core/MeanSpread.h"
#include "genrep/core/RunSettings.h"
#include "genrep/core/SubRunner.h"
#include "genrep/core/TextList.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/eval/SeedSummary.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/Provenance.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/EvalKeys.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/ViewKeys.h"
#include "genrep/study/Comparison.h"
#include "genrep/study/PairedDifference.h"
#include "genrep/study/StudyDefinition.h"
#include "genrep/views/LatentView.h"

namespace genrep::app {
namespace {

// --quick: rough numbers in minutes (the demo's quick budget, one seed, three axis values).
std::vector<std::string> quickPreset() {
  return {"learn.steps=60",        "learn.batch=128",         "eval.fit_images=10000", "eval.test_images=5000",
          "eval.linear_epochs=10", "eval.few_shot_steps=200", "experiment.seeds=1"};
}

// Methods that need the generator's classes on a generator without classes: a preset
// leaves them out (study.leftOut); methods the user named are refused.
void leaveOutClassMethods(StudyDefinition& study, const Config& config, const ConfigSchema& schema, bool named) {
  std::vector<std::string> ids = study.methods;
  ids.insert(ids.end(), study.references.begin(), study.references.end());
  const std::vector<std::string> needing = methodsLackingClasses(ids, config, schema);
  if (needing.empty()) return;
  if (named) {
    throw std::invalid_argument(fmt::format("experiment.methods: {} {} the generator's classes, and {} has none (leave {} out)",
                                            fmt::join(needing, ", "), needing.size() == 1 ? "needs" : "need",
                                            generatorPathFromConfig(config), needing.size() == 1 ? "it" : "them"));
  }
  const auto lacking = [&](const std::string& id) { return std::find(needing.begin(), needing.end(), id) != needing.end(); };
  for (std::vector<std::string>* list : {&study.methods, &study.references}) list->erase(std::remove_if(list->begin(), list->end(), lacking), list->end());
  study.leftOut = needing;
}

// The study the config asks for: the preset's file (experiment.study, layered below the user's
// settings) or the user's own, with the methods this generator cannot train left out and its
// comparisons settled. What the user changed from the preset's file is strict: methods this
// generator cannot train are refused, comparisons that name no line are errors.
StudyDefinition studyOf(const Config& config, const ConfigSchema& schema) {
  StudyDefinition study = studyFromConfig(config, schema, config.getBool("experiment.quick"));
  const std::string preset = config.getString("experiment.study");
  const std::optional<Config> file =
      preset.empty() ? std::nullopt : std::optional<Config>(Config::resolve(schema, shippedStudyFile(preset), {}));
  const auto userSet = [&](const char* key) { return file ? config.getString(key) != file->getString(key) : !config.getString(key).empty(); };
  leaveOutClassMethods(study, config, schema, userSet("experiment.methods") || userSet("experiment.references"));
  settleComparisons(study, userSet("experiment.compare"));
  return study;
}

// Steering views with no walks named: the study's own walks.
bool usesStudyWalks(const Config& config) {
  return sourceNeedsGenerator(config) && latentViewNeedsWalks(parseLatentViewKind(config.getString("views.latent"))) &&
         config.getString("views.walks").empty();
}

struct Point {
  const Method* method = nullptr;
  std::string value;  // the axis value; "" for a reference method
  int64_t seed = 0;
  std::vector<std::string> overrides;  // on top of the experiment's config
  std::string value2 = {};             // the second axis's value; "" for none
};

// "key=value" and the settings that go with the value after '|' ("4|learn.batch=128").
void addAxisValue(std::vector<std::string>& overrides, const std::string& axis, const std::string& value) {
  const std::vector<std::string> parts = splitList(value, '|');
  overrides.push_back(axis + "=" + parts.front());
  overrides.insert(overrides.end(), parts.begin() + 1, parts.end());
}

std::vector<Point> pointsOf(const StudyDefinition& study, int64_t firstSeed, int64_t seeds) {
  std::vector<Point> points;
  for (int64_t s = firstSeed; s < firstSeed + seeds; ++s) {  // seed by seed: each seed's grid is whole before the next
    const auto add = [&](const std::string& id, const std::string& value, const std::string& value2) {
      Point p{findMethod(id), value, s, {}, value2};
      p.overrides.insert(p.overrides.end(), p.method->overrides.begin(), p.method->overrides.end());
      if (!value.empty()) addAxisValue(p.overrides, study.axis, value);
      if (!value2.empty()) addAxisValue(p.overrides, study.axis2, value2);
      p.overrides.push_back(fmt::format("run.seed={}", s));
      points.push_back(p);
    };
    for (const std::string& id : study.references) add(id, "", "");
    for (const std::string& value2 : study.series()) {
      for (const std::string& value : study.values) {
        for (const std::string& id : study.methods) add(id, value, value2);
      }
    }
  }
  return points;
}

// Each point's config: the experiment's with the point's settings on top, in the order of `points`.
// A point with steering views and no views.walks of its own gets the study's `walks` folder
// (learned once, before the first such point runs: learnWalksOnce).
std::vector<Config> pointConfigs(std::vector<Point>& points, const Config& config, const ConfigSchema& schema,
                                 const std::filesystem::path& walks) {
  const std::string base = config.toToml();
  std::vector<Config> configs;
  for (Point& point : points) {
    Config c = Config::fromToml(schema, base, "experiment point", point.overrides);
    if (usesStudyWalks(c)) {
      point.overrides.push_back("views.walks=" + walks.string());
      c = Config::fromToml(schema, base, "experiment point", point.overrides);
    }
    configs.push_back(std::move(c));
  }
  return configs;
}

// Keys that do not decide a point's result: steer.* decide only the walks, whose folder is in
// views.walks and refuses other settings (learnWalksOnce).
const std::vector<std::string> kNotDeciding = {"demo.", "experiment.", "steer."};

std::string decidingSettings(const Config& config, const ConfigSchema& schema) {
  return RunSettings(config, schema, {}, kNotDeciding).json();
}

// A hash of what decides a point's result under today's schema: a key genrep gained since holds
// its default in every stored config, so it changes no name.
uint32_t settingsHash(const std::string& settings) { return static_cast<uint32_t>(fnv1a(settings.data(), settings.size())); }

// The deciding settings of the point stored in `folder` (its config.toml) under today's schema;
// empty when it has none or names a key genrep no longer knows (another point).
std::string storedDecidingSettings(const std::filesystem::path& folder, const ConfigSchema& schema) {
  const std::filesystem::path toml = folder / "config.toml";
  std::error_code ec;
  if (!std::filesystem::exists(toml, ec)) return "";
  try {
    return decidingSettings(Config::fromToml(schema, readFileText(toml), toml.string(), {}), schema);
  } catch (const std::exception&) {
    return "";
  }
}

// The point's folder: named by its method, axis value, seed and the hash of what decides its
// result. A folder named by an older genrep (a key added since, so another hash) whose stored
// config resolves to the same settings today is the same point: it is renamed (`adopt`; a dry
// run only reports it), not run again.
std::filesystem::path pointFolder(const std::filesystem::path& run, const Point& point, const Config& config, const ConfigSchema& schema,
                                  bool adopt = true) {
  const std::filesystem::path methodFolder = run / "points" / point.method->id;
  std::string value = point.value.empty() ? "" : point.value + "-";
  if (!point.value2.empty()) value += point.value2 + "-";
  std::replace(value.begin(), value.end(), '|', '+');  // a name a shell takes as it is
  const std::string prefix = fmt::format("{}seed-{}-", value, point.seed);
  const uint32_t hash = settingsHash(decidingSettings(config, schema));
  const std::filesystem::path folder = methodFolder / fmt::format("{}{:08x}", prefix, hash);
  std::error_code ec;
  if (std::filesystem::exists(folder, ec) || !std::filesystem::is_directory(methodFolder, ec)) return folder;
  for (const auto& entry : std::filesystem::directory_iterator(methodFolder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() != prefix.size() + 8) continue;
    const std::string stored = storedDecidingSettings(entry.path(), schema);
    if (stored.empty() || settingsHash(stored) != hash) continue;
    if (!adopt) return entry.path();
    std::filesystem::rename(entry.path(), folder);
    fmt::print("renamed {} -> {} (the same settings; keys added to genrep since hold their defaults)\n", entry.path().string(),
               folder.filename().string());
    break;
  }
  return folder;
}

// A point finished in another study under the same run root: the same method (what a method
// does is not all in its settings: the pixels baseline trains nothing) and the same deciding
// settings (the hash that ends both folder names, then the settings themselves), so the same
// result: σ 0.5 in `sigma` is refresh 1 in `switches` and the stream in `samples`. Empty when
// there is none.
std::filesystem::path finishedTwin(const std::filesystem::path& root, const std::filesystem::path& folder, const std::string& method,
                                   const Config& config, const ConfigSchema& schema) {
  const std::string settings = decidingSettings(config, schema);
  const std::string suffix = fmt::format("-{:08x}", settingsHash(settings));
  std::error_code ec;
  for (const auto& study : std::filesystem::directory_iterator(root, ec)) {
    const std::filesystem::path points = study.path() / "points" / method;
    if (!std::filesystem::is_directory(points, ec)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(points, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
      if (std::filesystem::equivalent(entry.path(), folder, ec) || !std::filesystem::exists(entry.path() / SubRunner::kResultFile, ec)) {
        continue;
      }
      if (storedDecidingSettings(entry.path(), schema) == settings) return entry.path();
    }
  }
  return {};
}

// Takes a twin's result as this point's, with where it came from; its metrics come along for the
// report's curves, its weights stay where they are. The result is written last, so an
// interrupted copy leaves the point unfinished.
void adoptTwin(const std::filesystem::path& twin, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  writeFileAtomic(folder / "config.toml", readFileText(twin / "config.toml"));
  std::error_code ec;
  if (std::filesystem::exists(twin / "metrics.jsonl", ec)) writeFileAtomic(folder / "metrics.jsonl", readFileText(twin / "metrics.jsonl"));
  nlohmann::json result = readJsonFile(twin / SubRunner::kResultFile);
  result["reused_from"] = twin.string();
  writeFileAtomic(folder / SubRunner::kResultFile, result.dump(2) + "\n");
  fmt::print("reused {} as {} (the same settings)\n", twin.string(), folder.string());
}

// Every point's settings are read into the options they fill before anything runs, so a value
// outside a key's range stops the study at once, naming the key. The study's own walks are not
// learned yet: such a point's other settings are checked.
void checkPoints(const std::vector<Config>& configs, const ConfigSchema& schema, const std::filesystem::path& walks) {
  std::error_code ec;
  const bool walksLearned = std::filesystem::exists(walks / "walks.json", ec);
  for (const Config& c : configs) {
    const bool studyWalks = latentViewNeedsWalks(parseLatentViewKind(c.getString("views.latent"))) && c.getString("views.walks") == walks.string();
    checkTrainSettings(studyWalks && !walksLearned ? Config::fromToml(schema, c.toToml(), "experiment point", {"views.latent=none"}) : c,
                       schema);
    evaluationOptionsFromConfig(c);
  }
}

// The distinct machines, LibTorch versions and commits the finished points ran on (a result
// without a provenance, older than it: "unrecorded"). Paired differences are clean only within
// one machine and LibTorch, so a table whose points span several says so in its header.
nlohmann::json provenanceSummary(const std::vector<nlohmann::json>& results) {
  std::set<std::string> machines, libtorch, commits;
  for (const nlohmann::json& r : results) {
    if (r.is_null()) continue;
    const Provenance p = Provenance::fromJson(r.value("provenance", nlohmann::json::object()));
    machines.insert(p.cpuModel.empty() ? "unrecorded" : p.machine());
    libtorch.insert(p.libtorch.empty() ? "unrecorded" : p.libtorch);
    commits.insert(p.commit.empty() ? "unrecorded" : p.commit);
  }
  return {{"machines", machines}, {"libtorch", libtorch}, {"commits", commits}};
}

// The header line of a table whose points span machines or LibTorch versions; "" otherwise.
std::string mixedProvenanceLine(const nlohmann::json& summary) {
  const auto machines = summary["machines"].get<std::vector<std::string>>();
  const auto libtorch = summary["libtorch"].get<std::vector<std::string>>();
  if (machines.size() <= 1 && libtorch.size() <= 1) return "";
  return fmt::format("mixed provenance: the points ran on {} machine(s) ({}) and {} LibTorch version(s) ({}); differences between "
                     "them include the drift between those\n",
                     machines.size(), fmt::join(machines, "; "), libtorch.size(), fmt::join(libtorch, ", "));
}

// A probe's accuracy in a point's result, in percent: linear and kNN top-1, few-shot's mean
// over its draws.
struct Probe {
  const char* id;    // its name in results.json's comparisons
  const char* path;  // the accuracy in a point's result (eval/Evaluation.h), a JSON pointer
  bool scored(const nlohmann::json& result) const { return result.contains(nlohmann::json::json_pointer(path)); }
  double percent(const nlohmann::json& result) const { return 100 * result.at(nlohmann::json::json_pointer(path)).get<double>(); }
};
// The probes on the training dataset, then on the second probe dataset (eval.format).
const std::vector<Probe>& probes() {
  static const std::vector<Probe> all = {{"linear", "/linear/top1"},
                                         {"knn", "/knn/top1"},
                                         {"few_shot", "/few_shot/mean"},
                                         {"transfer_linear", "/transfer/linear/top1"},
                                         {"transfer_knn", "/transfer/knn/top1"},
                                         {"transfer_few_shot", "/transfer/few_shot/mean"}};
  return all;
}

// "<folder>, <k> classes" of the second probe dataset the results were scored on.
std::string transferName(const std::vector<nlohmann::json>& results) {
  for (const nlohmann::json& r : results) {
    if (r.is_null() || !r.contains("transfer")) continue;
    const nlohmann::json& d = r["transfer"]["dataset"];
    return fmt::format("{}, {} classes", d.value("source", "?"), d.value("classes", size_t{0}));
  }
  return "";
}

// Each declared comparison's paired difference per probe over the seeds both sides finished
// (study/PairedDifference.h), in percentage points; a pair whose two points ran on different
// machines or LibTorch versions is counted in mixed_pairs. Comparisons with no common seed yet
// are listed with no probes.
nlohmann::json comparisonResults(const StudyDefinition& study, const std::vector<Point>& points, const std::vector<nlohmann::json>& results) {
  const auto resultsOf = [&](const ComparisonSide& side) {
    std::map<int64_t, const nlohmann::json*> bySeed;
    for (size_t i = 0; i < points.size(); ++i) {
      const Point& p = points[i];
      if (p.method->id == side.method && p.value == side.value && p.value2.empty() && !results[i].is_null()) bySeed[p.seed] = &results[i];
    }
    return bySeed;
  };
  const auto origin = [](const nlohmann::json& r) {
    const Provenance p = Provenance::fromJson(r.value("provenance", nlohmann::json::object()));
    return p.machine() + "|" + p.libtorch;
  };
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& declaration : study.comparisons) {
    for (const Comparison& c : expandComparison(declaration, study.layout())) {
      const auto a = resultsOf(c.ahead), b = resultsOf(c.behind);
      nlohmann::json entry = {{"name", c.name()}, {"declared", declaration}, {"probes", nlohmann::json::object()}};
      int64_t mixed = 0;
      for (const auto& [seed, result] : a) {
        if (const auto other = b.find(seed); other != b.end() && origin(*result) != origin(*other->second)) ++mixed;
      }
      entry["mixed_pairs"] = mixed;
      for (const Probe& probe : probes()) {
        std::map<int64_t, double> valuesA, valuesB;
        for (const auto& [seed, result] : a) {
          if (probe.scored(*result)) valuesA[seed] = probe.percent(*result);
        }
        for (const auto& [seed, result] : b) {
          if (probe.scored(*result)) valuesB[seed] = probe.percent(*result);
        }
        try {
          const PairedDifference d = pairedDifference(valuesA, valuesB);  // throws when no seed has both
          entry["probes"][probe.id] = {{"seeds", d.seeds},  {"differences", d.differences}, {"mean", d.mean},
                                       {"low", d.low},      {"high", d.high},               {"verdict", *nameOf(verdictNames(), d.verdict)}};
        } catch (const std::invalid_argument&) {
          continue;  // no seed on both sides yet (or not scored on this probe's dataset)
        }
      }
      out.push_back(entry);
    }
  }
  return out;
}

// The comparisons as a Markdown table: per probe the mean difference in points, its 95 % interval
// and the verdict; "" when the study declares none.
std::string comparisonTable(const nlohmann::json& comparisons) {
  if (comparisons.empty()) return "";
  // The second probe dataset's columns where some comparison has them.
  const bool transfer = std::any_of(comparisons.begin(), comparisons.end(), [](const nlohmann::json& c) { return c["probes"].contains("transfer_linear"); });
  std::vector<Probe> columns = probes();
  if (!transfer) columns.resize(3);
  std::string table = fmt::format(
      "\ncomparisons declared before the run: A - B in points, paired over seeds, mean [95 % t interval] and verdict\n\n"
      "| comparison | seeds | linear | kNN | few-shot |{}\n|---|---|---|---|---|{}\n",
      transfer ? " transfer linear | transfer kNN | transfer few-shot |" : "", transfer ? "---|---|---|" : "");
  for (const nlohmann::json& c : comparisons) {
    const nlohmann::json& byProbe = c["probes"];
    const size_t seeds = byProbe.contains("linear") ? byProbe["linear"]["seeds"].size() : 0;
    std::string name = c["name"].get<std::string>();
    for (size_t at = name.find('|'); at != std::string::npos; at = name.find('|', at + 2)) name.insert(at, "\\");  // a '|' inside a cell
    table += fmt::format("| {} | {}{} |", name, seeds,
                         c["mixed_pairs"].get<int64_t>() > 0 ? fmt::format(" ({} across machines)", c["mixed_pairs"].get<int64_t>()) : "");
    for (const Probe& probe : columns) {
      if (!byProbe.contains(probe.id)) {
        table += " not run yet |";
        continue;
      }
      const nlohmann::json& d = byProbe[probe.id];
      table += d["seeds"].size() < 2 ? fmt::format(" {:+.2f} ({}) |", d["mean"].get<double>(), d["verdict"].get<std::string>())
                                     : fmt::format(" {:+.2f} [{:+.2f}, {:+.2f}] {} |", d["mean"].get<double>(), d["low"].get<double>(),
                                                   d["high"].get<double>(), d["verdict"].get<std::string>());
    }
    table += "\n";
  }
  return table;
}

// results.json and table.md from the points finished so far: per method and axis value, mean
// and spread over the seeds done.
void writeResults(const std::filesystem::path& run, const StudyDefinition& study, const Config& config, const std::vector<Point>& points,
                  const std::vector<nlohmann::json>& results, int64_t firstSeed) {
  nlohmann::json rows = nlohmann::json::array(), all = nlohmann::json::array();
  std::string tables;
  int64_t seedsDone = 0;
  // The results of the finished points `pick` admits: their probes on the training dataset, or
  // (`second`) on the second probe dataset (eval.format) where they were scored on one.
  const auto recordsOf = [&](const std::function<bool(const Point&)>& pick, bool second) {
    std::vector<nlohmann::json> done;
    for (size_t i = 0; i < points.size(); ++i) {
      if (results[i].is_null() || !pick(points[i])) continue;
      if (!second) {
        done.push_back(results[i]);
      } else if (results[i].contains("transfer")) {
        done.push_back(results[i]["transfer"]);
      }
    }
    return done;
  };
  for (const std::string& id : study.axis.empty() ? study.references : std::vector<std::string>{}) {  // a table of methods
    const std::vector<nlohmann::json> done = recordsOf([&](const Point& p) { return p.method->id == id; }, false);
    if (done.empty()) continue;
    seedsDone = std::max<int64_t>(seedsDone, static_cast<int64_t>(done.size()));
    rows.push_back(summariseOverSeeds(id, findMethod(id)->label, done, firstSeed));
    rows.back()["value"] = "";
  }
  // The second probe dataset (eval.format), where the points were scored on one.
  const bool transfer = std::any_of(results.begin(), results.end(), [](const nlohmann::json& r) { return !r.is_null() && r.contains("transfer"); });
  const std::string transferTitle = transfer ? fmt::format("on the second probe dataset ({})", transferName(results)) : "";
  if (study.axis.empty()) {
    tables = "\n" + methodTableMarkdown(rows, seedsDone > 1, config.getInt("eval.few_shot_per_class"));
    if (transfer) {
      nlohmann::json transferRows = nlohmann::json::array();
      for (const std::string& id : study.references) {
        const std::vector<nlohmann::json> done = recordsOf([&](const Point& p) { return p.method->id == id; }, true);
        if (!done.empty()) transferRows.push_back(summariseOverSeeds(id, findMethod(id)->label, done, firstSeed));
      }
      tables += fmt::format("\n{}\n\n{}", transferTitle, methodTableMarkdown(transferRows, seedsDone > 1, config.getInt("eval.few_shot_per_class")));
    }
  }
  struct ProbeTable {
    const char* probe;  // a row of summariseOverSeeds
    std::string title;
    bool transfer;      // of the second probe dataset
  };
  std::vector<ProbeTable> probeTables;
  for (const bool second : {false, true}) {
    if (study.axis.empty() || (second && !transfer)) continue;
    const std::string where = second ? " " + transferTitle : "";
    for (const auto& [probe, title] : {std::pair{"linear_top1", "linear top-1 %"}, {"knn_top1", "kNN top-1 %"}, {"few_shot", "few-shot top-1 %"}}) {
      probeTables.push_back({probe, title + where, second});
    }
  }
  // What each point cost: a user pays in compute, not in steps (the budget study reads it so).
  const bool costed = std::any_of(results.begin(), results.end(), [](const nlohmann::json& r) { return !r.is_null() && r.contains("cpu_seconds"); });
  if (!study.axis.empty() && costed) probeTables.push_back({"cpu_seconds", "CPU seconds per point (training and probes, mean over seeds)", false});
  for (const auto& [probe, title, second] : probeTables) {
    std::string table = fmt::format("\n{} ({} = columns)\n\n| method |", title, study.axis);
    std::vector<std::string> columns = study.values;
    if (!study.references.empty()) columns.insert(columns.begin(), "");
    for (const std::string& v : columns) table += fmt::format(" {} |", v.empty() ? "(reference)" : v);
    table += "\n|---|";
    for (size_t c = 0; c < columns.size(); ++c) table += "---|";
    table += "\n";
    std::vector<std::pair<std::string, std::string>> lines;  // a table row: method, value2
    for (const std::string& id : study.references) lines.emplace_back(id, "");
    for (const std::string& id : study.methods) {
      for (const std::string& value2 : study.series()) lines.emplace_back(id, value2);
    }
    for (const auto& [id, value2] : lines) {
      const Method* method = findMethod(id);
      const bool reference = std::find(study.references.begin(), study.references.end(), id) != study.references.end();
      const std::string label = study.lineLabel(*method, value2);
      table += "| " + label + " |";
      for (const std::string& v : columns) {
        const std::vector<nlohmann::json> done =
            recordsOf([&](const Point& p) { return p.method == method && p.value == v && p.value2 == value2; }, second);
        if (reference != v.empty() || done.empty()) {
          table += " |";
          continue;
        }
        if (std::string(probe) == "cpu_seconds") {
          std::vector<double> seconds;
          for (const nlohmann::json& r : done) {
            if (r.contains("cpu_seconds")) seconds.push_back(r["cpu_seconds"].get<double>());
          }
          table += seconds.empty() ? " |" : fmt::format(" {:.0f} |", meanAndSpread(seconds).mean);
          continue;
        }
        seedsDone = std::max<int64_t>(seedsDone, static_cast<int64_t>(done.size()));
        nlohmann::json row = summariseOverSeeds(id, label, done, firstSeed);
        // One seed: linear and kNN have no spread to show; few-shot's is over its draws.
        table += " " + percentCell(row, probe, done.size() > 1 || std::string(probe) == "few_shot") + " |";
        if (std::string(probe) == "linear_top1" && !second) {
          row["value"] = v;
          row["value2"] = value2;
          rows.push_back(row);
        }
      }
      table += "\n";
    }
    tables += table;
  }
  for (size_t i = 0; i < points.size(); ++i) {
    if (results[i].is_null()) continue;
    nlohmann::json p = {{"method", points[i].method->id}, {"value", points[i].value}, {"value2", points[i].value2}, {"seed", points[i].seed}};
    for (const char* key : {"linear", "knn", "few_shot", "transfer", "training", "wall_seconds", "cpu_seconds", "reused_from", "provenance"}) {
      if (results[i].contains(key)) p[key] = results[i][key];
    }
    all.push_back(p);
  }
  // The settings without where it ran (threads, folders): the file is a function of the results.
  nlohmann::json settings = nlohmann::json::object();
  const nlohmann::json resolved = config.toJson();  // items() must not outlive the json it walks
  for (const auto& [key, value] : resolved.items()) {
    if (!isOperationalKey(key)) settings[key] = value;
  }
  const nlohmann::json provenance = provenanceSummary(results);
  const std::string header =
      fmt::format("genrep experiment {}: {}\n{}{}{}; {} of {} points; mean ± spread over seeds (few-shot with one seed: over its draws)\n{}{}{}",
                  study.name, study.summary, study.axis.empty() ? "no axis" : "axis " + study.axis, study.logAxis ? " (log scale)" : "",
                  study.axis2.empty() ? "" : fmt::format(", lines per {} ({})", study.axis2, fmt::join(study.values2, ", ")), all.size(),
                  points.size(), mixedProvenanceLine(provenance), leftOutLine(study.leftOut),
                  study.paper.empty() ? "" : "the paper: " + study.paper + "\n");
  const nlohmann::json comparisons = comparisonResults(study, points, results);
  writeFileAtomic(run / "table.md", header + tables + comparisonTable(comparisons));
  writeFileAtomic(run / "results.json", nlohmann::json{{"study", study.name},
                                                       {"summary", study.summary},
                                                       {"axis", study.axis},
                                                       {"values", study.values},
                                                       {"axis2", study.axis2},
                                                       {"values2", study.values2},
                                                       {"log_axis", study.logAxis},
                                                       {"methods", study.methods},
                                                       {"references", study.references},
                                                       {"left_out", study.leftOut},
                                                       {"paper", study.paper},
                                                       {"paper_series", study.paperX.empty() ? nlohmann::json(nullptr)
                                                                                             : nlohmann::json{{"label", study.paperLabel},
                                                                                                              {"x", study.paperX},
                                                                                                              {"y", study.paperY}}},
                                                       {"first_seed", firstSeed},
                                                       {"seeds_done", seedsDone},
                                                       {"rows", rows},
                                                       {"points", all},
                                                       {"cpu", hostCpu().toJson()},
                                                       {"provenance", provenance},
                                                       {"comparisons", comparisons},
                                                       {"settings", settings}}
                                                .dump(2) +
                                            "\n");
  refreshReport(run);
}

// experiment-<study>[-<generator>][-quick]: a generator other than the shipped one gets a
// folder of its own (the same study on the unconditional generator beside the conditional).
std::string experimentName(const Config& config) {
  const std::string study = config.getString("experiment.study");
  std::filesystem::path generator = std::filesystem::path(config.getString("gen.path")).lexically_normal();
  if (generator.filename().empty()) generator = generator.parent_path();
  const std::string tag = generator.filename() == kShippedGenerator ? "" : "-" + generator.filename().string();
  return fmt::format("experiment-{}{}{}", study.empty() ? config.getString("experiment.name") : study, tag,
                     config.getBool("experiment.quick") ? "-quick" : "");
}

// The point indices experiment.only names (a --jobs worker's share); empty = every point.
std::vector<size_t> onlyPoints(const Config& config, size_t count) {
  std::vector<size_t> only;
  for (const std::string& item : splitList(config.getString("experiment.only"))) {
    size_t used = 0;
    long long index = -1;
    try {
      index = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || index < 0 || static_cast<size_t>(index) >= count) {
      throw std::invalid_argument(fmt::format("experiment.only: '{}' is not a point of this study (0 to {})", item, count - 1));
    }
    only.push_back(static_cast<size_t>(index));
  }
  return only;
}

// What a study's run knows while it runs: its points, their configs and folders, and the
// results so far (null: not finished).
struct StudyRun {
  StudyDefinition study;
  int64_t firstSeed = 0;
  std::vector<Point> points;
  std::vector<Config> configs;
  std::vector<std::filesystem::path> folders;
  std::vector<nlohmann::json> results;
  std::vector<std::filesystem::path> twins;  // a dry run: the finished twin of a point not run here (finishedTwin)
  std::filesystem::path home;  // the experiment folder: results.json, table.md, points/

  // `adopt`: rename points named by an older genrep (pointFolder); a dry run only looks.
  StudyRun(const Config& config, const ConfigSchema& schema, const std::filesystem::path& runFolder, bool adopt = true)
      : study(studyOf(config, schema)), firstSeed(static_cast<int64_t>(runOptionsFromConfig(config).seed)) {
    const std::string pointsIn = config.getString("experiment.points_in");
    home = pointsIn.empty() ? runFolder : std::filesystem::path(pointsIn);
    points = pointsOf(study, firstSeed, config.getInt("experiment.seeds"));
    configs = pointConfigs(points, config, schema, walks());
    const std::filesystem::path root = home.has_parent_path() ? home.parent_path() : std::filesystem::path(".");
    for (size_t i = 0; i < points.size(); ++i) {
      folders.push_back(pointFolder(home, points[i], configs[i], schema, adopt));
      twins.emplace_back();
      if (finished(i)) continue;
      twins[i] = finishedTwin(root, folders[i], points[i].method->id, configs[i], schema);
      if (adopt && !twins[i].empty()) {
        adoptTwin(twins[i], folders[i]);
        twins[i].clear();
      }
    }
    results.resize(points.size());
  }
  std::filesystem::path walks() const { return home / "walks"; }  // the steering walks of points that name none
  bool finished(size_t i) const {
    std::error_code ec;
    return std::filesystem::exists(folders[i] / SubRunner::kResultFile, ec);
  }
  size_t done() const { return static_cast<size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) { return !r.is_null(); })); }
  void progress(size_t left, double secondsPerPoint) const {
    fmt::print("experiment {}: {} of {} points done{}\n", study.name, done(), points.size(),
               secondsPerPoint > 0 && left > 0 ? fmt::format(", ETA {:.0f} min", secondsPerPoint * static_cast<double>(left) / 60) : "");
    std::fflush(stdout);
  }
};

// The mean wall time of the finished points among `results` (null: not finished) and how many
// there are: the time a point takes, from every finished one (a point that resumed near its end
// took minutes less than the rest).
std::pair<double, size_t> meanPointSeconds(const std::vector<nlohmann::json>& results) {
  std::vector<double> walls;
  for (const nlohmann::json& r : results) {
    if (!r.is_null() && r.contains("wall_seconds")) walls.push_back(r["wall_seconds"].get<double>());
  }
  return {walls.empty() ? 0.0 : meanAndSpread(walls).mean, walls.size()};
}

// --list, --dry-run and the checks, before any folder is made.
bool answerOrCheck(const Config& config, const ConfigSchema& schema) {
  if (config.getBool("experiment.list")) {
    for (const std::string& name : shippedStudyNames()) {
      const StudyDefinition s = studyFromConfig(Config::resolve(schema, shippedStudyFile(name), {}), schema);
      if (s.axis.empty()) {
        fmt::print("{:<9} {} ({})\n", s.name, s.summary, fmt::join(s.references, ", "));
      } else {
        fmt::print("{:<9} {} ({}: {}; {})\n", s.name, s.summary, s.axis, fmt::join(s.values, ", "), fmt::join(s.methods, ", "));
      }
      fmt::print("{:<9} compares {}\n", "", fmt::join(s.comparisons, "; "));
    }
    return true;
  }
  const int64_t seeds = config.getInt("experiment.seeds");
  if (seeds < 1) throw std::invalid_argument(fmt::format("experiment.seeds is {}; it must be >= 1", seeds));
  const int64_t jobs = config.getInt("experiment.jobs");
  if (jobs < 1) throw std::invalid_argument(fmt::format("experiment.jobs is {}; it must be >= 1", jobs));
  const RunOptions runOptions = runOptionsFromConfig(config);
  // Where the run folder will be (main.cpp makes it the same way).
  const std::filesystem::path run = std::filesystem::path(runOptions.root) / (runOptions.name.empty() ? experimentName(config) : runOptions.name);
  const StudyRun s(config, schema, run, /*adopt=*/false);
  checkPoints(s.configs, schema, s.walks());
  onlyPoints(config, s.points.size());
  if (!config.getBool("experiment.dry_run")) return false;
  std::vector<nlohmann::json> finishedResults;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const Point& point = s.points[i];
    const bool finished = s.finished(i) || !s.twins[i].empty();
    if (finished) finishedResults.push_back(readJsonFile((s.twins[i].empty() ? s.folders[i] : s.twins[i]) / SubRunner::kResultFile));
    std::string at = s.study.axis.empty() ? "" : fmt::format("{}={:<8} ", s.study.axis, point.value.empty() ? "(ref)" : point.value);
    if (!point.value2.empty()) at += fmt::format("{}={} ", s.study.axis2, point.value2);
    fmt::print("{:<6} {:<20} {}seed {}{}\n", finished ? "done" : "to run", point.method->id, at, point.seed,
               s.twins[i].empty() ? "" : fmt::format(" (in {})", s.twins[i].string()));
  }
  const size_t done = finishedResults.size();
  const auto [secondsPerPoint, timed] = meanPointSeconds(finishedResults);
  const std::string estimate =
      done == s.points.size() ? "none left"
      : timed == 0            ? "unknown until a point has run here"
                              : fmt::format("about {:.1f} min (the mean of the {} finished points here)",
                                            secondsPerPoint * static_cast<double>(s.points.size() - done) / static_cast<double>(jobs) / 60,
                                            timed);
  fmt::print("{} points, {} done; time for the rest: {}\n", s.points.size(), done, estimate);
  fmt::print("{}", leftOutLine(s.study.leftOut));
  return true;
}

// Runs `which` points here, one after the other; after each, `finishedOne(i)`.
void runPoints(CommandContext& context, StudyRun& s, const std::vector<size_t>& which, const std::function<void(size_t)>& finishedOne) {
  const Config& config = context.config;
  const bool needsGenerator = std::any_of(which.begin(), which.end(), [&](size_t i) { return sourceNeedsGenerator(s.configs[i]); });
  std::shared_ptr<Generator> generator = needsGenerator ? openGenerator(config) : nullptr;
  const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
  const SubRunner runner(context.schema, kNotDeciding);
  for (const size_t i : which) {
    const Point& point = s.points[i];
    const std::string label = fmt::format("{} {}={}{} seed {}", point.method->id, s.study.axis, point.value.empty() ? "(ref)" : point.value,
                                          point.value2.empty() ? "" : fmt::format(" {}={}", s.study.axis2, point.value2), point.seed);
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpuStart = std::clock();  // this process's CPU time, every thread's
    s.results[i] = runner.run({point.method->id, label, s.folders[i]}, s.configs[i], [&](const Config& pc, const std::filesystem::path& f) {
      nlohmann::json r = trainAndProbe(*point.method, pc, context.schema, f, generator, dataset);
      // What the point cost (generation included) as a user pays it; a point resumed after an
      // interruption counts only the part run by this process.
      r["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      r["cpu_seconds"] = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
      return r;
    });
    finishedOne(i);
  }
}

// --jobs J: the points not finished yet, dealt round-robin to J processes of this program
// (each `genrep experiment` with experiment.only = its share and run.threads / J threads, its
// own run folder and log under jobs/), while this one rewrites the results as points finish.
// The processes share this one's working directory, so they name the experiment folder (and
// the walks in their points' settings) as it does.
void runInJobs(CommandContext& context, StudyRun& s, int64_t jobs) {
  std::vector<size_t> left;
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (!s.finished(i)) left.push_back(i);
  }
  const size_t processes = std::min<size_t>(static_cast<size_t>(jobs), left.size());
  if (processes == 0) return;
  const int64_t threads = std::max<int64_t>(1, context.runtime.threads / static_cast<int64_t>(processes));
  const std::filesystem::path jobsFolder = context.run.path() / "jobs";
  std::filesystem::create_directories(jobsFolder);
  writeFileAtomic(jobsFolder / "job.toml", context.config.toToml());
  std::vector<ChildProcess> children;
  std::vector<std::filesystem::path> logs;
  for (size_t k = 0; k < processes; ++k) {
    std::vector<std::string> share;
    for (size_t j = k; j < left.size(); j += processes) share.push_back(std::to_string(left[j]));
    logs.push_back(jobsFolder / fmt::format("job-{}.log", k));
    children.emplace_back(
        std::vector<std::string>{currentExecutable().string(), "experiment", "--config", (jobsFolder / "job.toml").string(),
                                 "--set", "experiment.jobs=1", "--set", "experiment.only=" + fmt::format("{}", fmt::join(share, ",")),
                                 "--set", "experiment.points_in=" + s.home.string(), "--set",
                                 fmt::format("run.threads={}", threads), "--set", "run.root=" + jobsFolder.string(), "--set",
                                 fmt::format("run.name=job-{}", k)},
        logs.back());
    fmt::print("job {}: {} points, {} thread{}, log {}\n", k, share.size(), threads, threads == 1 ? "" : "s", logs.back().string());
  }
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  size_t ranHere = 0;
  for (bool running = true; running;) {
    running = false;
    for (ChildProcess& child : children) running = !child.poll() || running;
    if (running) std::this_thread::sleep_for(std::chrono::seconds(2));
    bool changed = false;
    for (const size_t i : left) {
      if (!s.results[i].is_null() || !s.finished(i)) continue;
      s.results[i] = readJsonFile(s.folders[i] / SubRunner::kResultFile);
      ++ranHere;
      changed = true;
    }
    if (!changed) continue;
    writeResults(s.home, s.study, context.config, s.points, s.results, s.firstSeed);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    s.progress(s.points.size() - s.done(), elapsed / static_cast<double>(ranHere));
  }
  for (size_t k = 0; k < children.size(); ++k) {
    if (const int status = children[k].wait(); status != 0) {
      throw std::runtime_error(fmt::format("experiment: job {} ended with status {} (its log: {}); finished points are kept, the same "
                                           "command continues the rest",
                                           k, status, logs[k].string()));
    }
  }
}

// The study's steering walks, learned once before the first point that uses them (and before
// --jobs starts the processes that read them).
void learnStudyWalks(const Config& config, const StudyRun& s) {
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (s.finished(i) || s.configs[i].getString("views.walks") != s.walks().string()) continue;
    learnWalksOnce(config, openGenerator(config), s.walks());
    return;
  }
}

void runExperiment(CommandContext& context) {
  const Config& config = context.config;
  StudyRun s(config, context.schema, context.run.path());
  if (const std::vector<size_t> only = onlyPoints(config, s.points.size()); !only.empty()) {
    runPoints(context, s, only, [](size_t) {});  // a --jobs worker: its coordinator writes the results
    return;
  }
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (s.finished(i)) s.results[i] = readJsonFile(s.folders[i] / SubRunner::kResultFile);
  }
  fmt::print("{}", leftOutLine(s.study.leftOut));
  learnStudyWalks(config, s);
  if (const int64_t jobs = config.getInt("experiment.jobs"); jobs > 1) {
    runInJobs(context, s, jobs);
  } else {
    std::vector<size_t> left;
    for (size_t i = 0; i < s.points.size(); ++i) {
      if (s.results[i].is_null()) left.push_back(i);
    }
    runPoints(context, s, left, [&](size_t) {
      writeResults(s.home, s.study, config, s.points, s.results, s.firstSeed);
      s.progress(s.points.size() - s.done(), meanPointSeconds(s.results).first);
    });
  }
  writeResults(s.home, s.study, config, s.points, s.results, s.firstSeed);
  fmt::print("\n{}\nwrote {} and {}\n", readFileText(s.home / "table.md"), (s.home / "table.md").string(),
             (s.home / "results.json").string());
}

}  // namespace

CommandSpec experimentCommand() {
  std::vector<FlagAlias> flags = tableFlags("experiment.seeds");
  flags.push_back({"--list", "experiment.list", "list the preset studies and exit", true});
  flags.push_back({"--jobs", "experiment.jobs", "points run at once, each in its own process with run.threads / jobs threads", false});
  flags.push_back({"--dry-run", "experiment.dry_run", "print the points, which are done, and the time for the rest; run nothing", true});
  flags.push_back({"--quick", "experiment.quick", "rough numbers in minutes: a small budget, 1 seed, 3 axis values", true, quickPreset()});
  CommandSpec spec{{"experiment"},
                   "a study over one setting (the paper's: sigma, samples, mixing, pool; and budget, views, viewcount, switches; "
                   "methods: the demo's table), resumable, with a table",
                   [](ConfigSchema& schema) {
                     addTrainKeys(schema);
                     addEvalKeys(schema);
                     addSteerKeys(schema);  // the walks of steering points (learnWalksOnce)
                     schema.addString("experiment.study", "",
                                      "a shipped study (configs/studies/<name>.toml, below the user's settings: `genrep experiment --list`); "
                                      "empty = the study the config describes");
                     addStudyKeys(schema);
                     schema.addInt("experiment.seeds", 3, "seeds per point");
                     schema.addInt("experiment.jobs", 1, "points run at once, each in its own process with run.threads / jobs threads");
                     schema.addString("experiment.only", "", "the points this process runs, by index (what --jobs gives each process)");
                     schema.addString("experiment.points_in", "",
                                      "the experiment folder whose points this process runs (what --jobs gives each process); "
                                      "empty = its own run folder");
                     schema.addBool("experiment.quick", false, "the quick preset is in effect");
                     schema.addBool("experiment.list", false, "list the preset studies");
                     schema.addBool("experiment.dry_run", false, "print the points and run nothing");
                     // Every point at the demo's full budget (docs/demo.md).
                     schema.setDefault("learn.steps", int64_t{400});
                     schema.setDefault("learn.batch", int64_t{256});
                   },
                   flags, runExperiment};
  spec.positionalKey = "experiment.study";
  spec.positionalFile = shippedStudyFile;
  spec.positionalHelp = "the preset study to run";
  spec.runNameFor = experimentName;
  spec.beforeRun = answerOrCheck;
  return spec;
}

}  // namespace genrep::app
