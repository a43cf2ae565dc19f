#include "genrep/study/StudyDefinition.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/core/InstallPaths.h"
#include "genrep/core/SettingBinding.h"
#include "genrep/study/Comparison.h"
#include "genrep/study/MethodTable.h"

namespace genrep {
namespace {

const SettingBinding<StudyDefinition>& studySettings() {
  using S = StudyDefinition;
  static const SettingBinding<S> binding =
      SettingBinding<S>(KeyRole::Chooses)
          .add("experiment.name", &S::name, "the study's name: its run folder is experiment-<name>")
          .add("experiment.summary", &S::summary, "what the study varies, one line (tables and the report)")
          .add("experiment.axis", &S::axis, "the setting the study varies; empty: a table of methods")
          .add("experiment.values", &S::values, "its values, comma-separated; 'v|key=value' brings settings that go with v")
          .add("experiment.log_axis", &S::logAxis, "the axis is a count: plot it on a log scale")
          .add("experiment.methods", &S::methods, "methods compared along the axis, comma-separated ids")
          .add("experiment.references", &S::references, "methods the axis does not change (baselines), run once per seed")
          .add("experiment.axis2", &S::axis2, "a second setting to vary: each method is one line per its value")
          .add("experiment.values2", &S::values2, "the second axis's values, comma-separated")
          .add("experiment.compare", &S::comparisons,
               "what the study tests, declared before it runs: comma-separated 'A vs B' (A, B: method@value, method or @value; "
               "value 'each' for every one)")
          .add("experiment.paper", &S::paper, "what the paper measured, one line")
          .add("experiment.paper_label", &S::paperLabel, "the label of the paper's curve drawn beside the study's")
          .add("experiment.paper_x", &S::paperX, "the paper's axis values, comma-separated")
          .add("experiment.paper_y", &S::paperY, "the paper's linear top-1 % at them, comma-separated");
  return binding;
}

// A setting a study may vary; std::invalid_argument naming `which` (experiment.axis or axis2).
void checkAxisKey(const ConfigSchema& schema, const std::string& key, const char* which) {
  if (schema.find(key) && key.rfind("experiment.", 0) != 0 && key.rfind("run.", 0) != 0) return;
  const std::string closest = schema.suggest(key);
  throw std::invalid_argument(fmt::format("{}: '{}' is not a setting a study can vary{}", which, key,
                                          closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest)));
}

}  // namespace

std::string StudyDefinition::lineLabel(const Method& method, const std::string& value2) const {
  return value2.empty() ? method.label : fmt::format("{} ({} = {})", method.label, axis2, value2);
}

void addStudyKeys(ConfigSchema& schema) { studySettings().addKeys(schema); }

StudyDefinition studyFromConfig(const Config& config, const ConfigSchema& schema, bool quick) {
  StudyDefinition study = studySettings().read(config);
  if (study.paperX.size() != study.paperY.size()) {
    throw std::invalid_argument(fmt::format("experiment.paper_y: {} values for the {} of experiment.paper_x", study.paperY.size(),
                                            study.paperX.size()));
  }
  if (study.axis.empty()) {
    // No axis: a table of methods, each run once per seed (the demo's kind of table).
    if (!study.values.empty()) throw std::invalid_argument("experiment.values: values but no experiment.axis; name the setting they are for");
    if (!study.axis2.empty()) throw std::invalid_argument("experiment.axis2: a second axis needs a first (experiment.axis)");
    study.references.insert(study.references.end(), study.methods.begin(), study.methods.end());
    study.methods.clear();
    if (study.references.empty()) throw std::invalid_argument("experiment.methods: no methods to compare");
  }
  for (const std::vector<std::string>* ids : {&study.methods, &study.references}) {
    for (const std::string& id : *ids) {
      if (!findMethod(id)) throw std::invalid_argument(fmt::format("experiment.methods: unknown method '{}' ({})", id, fmt::join(methodIds(), ", ")));
    }
  }
  if (study.axis2.empty() != study.values2.empty()) {
    throw std::invalid_argument(study.axis2.empty() ? "experiment.values2: values but no experiment.axis2; name the setting they are for"
                                                    : fmt::format("experiment.values2: no values for {}", study.axis2));
  }
  if (!study.axis.empty()) {
    checkAxisKey(schema, study.axis, "experiment.axis");
    if (!study.axis2.empty()) checkAxisKey(schema, study.axis2, "experiment.axis2");
    if (study.axis2 == study.axis) throw std::invalid_argument(fmt::format("experiment.axis2: {} is the first axis already", study.axis2));
    if (study.values.empty()) throw std::invalid_argument(fmt::format("experiment.values: no values for {}", study.axis));
    if (study.methods.empty()) throw std::invalid_argument("experiment.methods: no methods to compare");
    if (quick && study.values.size() > 3) study.values = {study.values.front(), study.values[study.values.size() / 2], study.values.back()};
  }
  return study;
}

void settleComparisons(StudyDefinition& study, bool strict) {
  const StudyLayout layout = study.layout();
  std::vector<std::string> kept;
  for (const std::string& declaration : study.comparisons) {
    try {
      expandComparison(declaration, layout);
      kept.push_back(declaration);
    } catch (const std::invalid_argument&) {
      if (strict) throw;
    }
  }
  study.comparisons = kept;
}

std::filesystem::path shippedStudyFile(const std::string& name) {
  for (const std::filesystem::path& folder : studyFolderCandidates()) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(folder / (name + ".toml"), ec)) return folder / (name + ".toml");
  }
  throw std::invalid_argument(fmt::format("experiment.study: no study '{}' ({}; `genrep experiment --list` says what each is)", name,
                                          fmt::join(shippedStudyNames(), ", ")));
}

std::vector<std::string> shippedStudyNames() {
  for (const std::filesystem::path& folder : studyFolderCandidates()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) continue;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    if (!names.empty()) return names;
  }
  return {};
}

std::string leftOutLine(const std::vector<std::string>& leftOut) {
  return leftOut.empty() ? "" : fmt::format("left out: {} (they need the generator's classes; it has none)\n", fmt::join(leftOut, ", "));
}

}  // namespace genrep
