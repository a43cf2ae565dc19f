#pragma once
// A comparison a study declares before it runs ("simclr-gaussian@0.5 vs simclr-tx"): which
// line of its table at which column is expected ahead of which. Declared in the study, never
// picked from the results (docs/experiments.md, "Comparisons and verdicts").
//
// A side is `method@value` (a method on the study's axis at one of its values), `method` (a
// reference method, or any method of a study without an axis) or `@value` (every axis method
// of the study, the same on both sides). The value `each` stands for every axis value: against
// a fixed value, every other one; against `each`, the same one.
//
//   StudyLayout layout{{"simclr-gaussian"}, {"simclr-tx"}, {"0.25", "0.5", "2.0"}, {}};
//   expandComparison("simclr-gaussian@each vs simclr-tx", layout);   // three comparisons
//   expandComparison("@0.5 vs @2.0", layout);                         // simclr-gaussian@0.5 vs simclr-gaussian@2.0
#include <string>
#include <vector>

namespace genrep {

// What a study's table holds: the methods along its axis, the references (once per seed, no
// axis value), the axis values, and the methods the generator could not train (left out).
struct StudyLayout {
  std::vector<std::string> methods;
  std::vector<std::string> references;
  std::vector<std::string> values;
  std::vector<std::string> leftOut;
};

struct ComparisonSide {
  std::string method;
  std::string value;  // "" for a reference method
  std::string name() const { return value.empty() ? method : method + "@" + value; }
};

struct Comparison {
  ComparisonSide ahead, behind;  // A and B of "A vs B": the difference is A - B
  std::string name() const { return ahead.name() + " vs " + behind.name(); }
};

// The comparisons `declaration` names in `layout`. One that names a left-out method expands to
// none. Throws std::invalid_argument naming experiment.compare for a malformed declaration, a
// method or value the study lacks, a reference given a value or an axis method without one.
std::vector<Comparison> expandComparison(const std::string& declaration, const StudyLayout& layout);

}  // namespace genrep
