#pragma once
// What a study is: the setting it varies and its values, the methods it compares along them,
// the references beside them, what it is run to test (its comparisons) and the paper's numbers
// it is read against. Declared once over this struct as experiment.* keys, so a study is a
// config file: the shipped ones are configs/studies/<name>.toml (shippedStudyFile), a user's is
// one more such file (`genrep experiment --config mine.toml`). LibTorch-free.
//
//   ConfigSchema schema; addStudyKeys(schema);
//   StudyDefinition study = studyFromConfig(Config::resolve(schema, "configs/studies/sigma.toml", {}), schema);
//   study.values;       // {"0.1", "0.25", ...}
//   study.comparisons;  // {"simclr-gaussian@each vs simclr-tx", ...}
#include <filesystem>
#include <string>
#include <vector>

#include "genrep/study/Comparison.h"

namespace genrep {

class Config;
class ConfigSchema;
struct Method;

struct StudyDefinition {
  std::string name = "custom";  // its run folder's name: experiment-<name>
  std::string summary;
  std::string axis;  // a setting; empty: a table of methods (`references` only)
  // Its values as --set writes them; a value may bring settings after '|' that go with it
  // ("4|learn.batch=128": four views per anchor at the same images per step).
  std::vector<std::string> values;
  bool logAxis = false;  // a count: plotted on a log scale
  std::vector<std::string> methods;     // ids of study/MethodTable.h, a line each along the axis
  std::vector<std::string> references;  // methods the axis does not change: run once per seed
  // A second axis: every method is a line per value2; the references stay one per seed.
  std::string axis2;
  std::vector<std::string> values2;
  // "A vs B" (study/Comparison.h), declared before the study runs.
  std::vector<std::string> comparisons;
  std::string paper;       // what the paper measured, one line
  std::string paperLabel;  // its curve's label, where it shares the axis
  std::vector<double> paperX, paperY;
  std::vector<std::string> leftOut;  // methods the generator cannot train (the runner fills it)

  // The second axis's values, or one empty one: what a loop over lines walks.
  std::vector<std::string> series() const { return values2.empty() ? std::vector<std::string>{""} : values2; }
  // A method's label on the line of `value2`.
  std::string lineLabel(const Method& method, const std::string& value2) const;
  // Its lines and columns, what its comparisons name (study/Comparison.h).
  StudyLayout layout() const { return {methods, references, values, leftOut}; }
};

void addStudyKeys(ConfigSchema& schema);

// The study of a resolved config, checked: an axis a study may vary (a setting of `schema`, not
// experiment.* or run.*) with values, known method ids and a second axis only beside a first.
// Without an axis its methods are references (a table of methods). `quick`: three of the axis's
// values. std::invalid_argument naming the key.
StudyDefinition studyFromConfig(const Config& config, const ConfigSchema& schema, bool quick = false);

// Keeps the comparisons that name the study's lines (one naming a left-out method expands to
// none); with `strict` (the user declared them), one that does not is an error
// (std::invalid_argument naming experiment.compare), otherwise it is dropped (a preset's whose
// side the user's methods or --quick's values left out).
void settleComparisons(StudyDefinition& study, bool strict);

// The line that says which methods were left out (StudyDefinition::leftOut); "" when none.
std::string leftOutLine(const std::vector<std::string>& leftOut);

// <name>.toml of the first study folder that has it (core/InstallPaths.h); std::invalid_argument naming
// experiment.study and the studies there when none has.
std::filesystem::path shippedStudyFile(const std::string& name);
// The shipped studies' names, sorted.
std::vector<std::string> shippedStudyNames();

}  // namespace genrep
