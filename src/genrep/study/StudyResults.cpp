#include "genrep/study/StudyResults.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Config.h"
#include "genrep/core/MeanSpread.h"
#include "genrep/core/NameTable.h"
#include "genrep/eval/SeedSummary.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/Provenance.h"
#include "genrep/study/Comparison.h"
#include "genrep/study/MethodTable.h"
#include "genrep/study/PairedDifference.h"

namespace genrep {
namespace {

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

}  // namespace

nlohmann::json comparisonResults(const StudyDefinition& study, const std::vector<StudyPoint>& points, const std::vector<nlohmann::json>& results) {
  const auto resultsOf = [&](const ComparisonSide& side) {
    std::map<int64_t, const nlohmann::json*> bySeed;
    for (size_t i = 0; i < points.size(); ++i) {
      const StudyPoint& p = points[i];
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

void writeStudyResults(const std::filesystem::path& run, const StudyDefinition& study, const Config& config, const std::vector<StudyPoint>& points,
                  const std::vector<nlohmann::json>& results, int64_t firstSeed) {
  nlohmann::json rows = nlohmann::json::array(), all = nlohmann::json::array();
  std::string tables;
  int64_t seedsDone = 0;
  // The results of the finished points `pick` admits: their probes on the training dataset, or
  // (`second`) on the second probe dataset (eval.format) where they were scored on one.
  const auto recordsOf = [&](const std::function<bool(const StudyPoint&)>& pick, bool second) {
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
    const std::vector<nlohmann::json> done = recordsOf([&](const StudyPoint& p) { return p.method->id == id; }, false);
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
        const std::vector<nlohmann::json> done = recordsOf([&](const StudyPoint& p) { return p.method->id == id; }, true);
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
            recordsOf([&](const StudyPoint& p) { return p.is(method, v, value2); }, second);
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
    if (config.schema().find(key)->role != KeyRole::Operational) settings[key] = value;
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
}

}  // namespace genrep
