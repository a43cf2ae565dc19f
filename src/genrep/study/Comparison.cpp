#include "genrep/study/Comparison.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace genrep {
namespace {

constexpr const char* kKey = "experiment.compare";
constexpr const char* kEach = "each";

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

struct Pattern {
  std::string method;  // "" = every axis method (the other side's)
  std::string value;   // "" = a reference; "each" = every axis value
  bool hasValue = false;
};

Pattern parseSide(const std::string& text, const std::string& declaration) {
  Pattern p;
  const size_t at = text.find('@');
  p.method = trimmed(text.substr(0, at));
  if (at != std::string::npos) {
    p.value = trimmed(text.substr(at + 1));
    p.hasValue = true;
    if (p.value.empty()) throw std::invalid_argument(fmt::format("{}: '{}' has '@' and no value after it", kKey, declaration));
  }
  if (p.method.empty() && !p.hasValue) throw std::invalid_argument(fmt::format("{}: '{}' has an empty side", kKey, declaration));
  return p;
}

// The sides one pattern stands for, with `method` where it names none.
std::vector<ComparisonSide> sidesOf(const Pattern& p, const std::string& method, const StudyLayout& layout,
                                    const std::string& declaration) {
  const bool reference = contains(layout.references, method);
  if (!reference && !contains(layout.methods, method)) {
    std::vector<std::string> known = layout.methods;
    known.insert(known.end(), layout.references.begin(), layout.references.end());
    throw std::invalid_argument(fmt::format("{}: '{}' names '{}', which is not a method of this study ({})", kKey, declaration, method,
                                            fmt::join(known, ", ")));
  }
  if (reference) {
    if (p.hasValue) {
      throw std::invalid_argument(fmt::format("{}: '{}' gives the reference '{}' an axis value; a reference has none (write '{}')", kKey,
                                              declaration, method, method));
    }
    return {{method, ""}};
  }
  if (!p.hasValue) {
    throw std::invalid_argument(
        fmt::format("{}: '{}' names '{}' without an axis value (write '{}@<value>' or '{}@each')", kKey, declaration, method, method, method));
  }
  if (p.value == kEach) {
    std::vector<ComparisonSide> sides;
    for (const std::string& v : layout.values) sides.push_back({method, v});
    return sides;
  }
  if (!contains(layout.values, p.value)) {
    throw std::invalid_argument(fmt::format("{}: '{}' names the value '{}', which the study's axis lacks ({})", kKey, declaration, p.value,
                                            fmt::join(layout.values, ", ")));
  }
  return {{method, p.value}};
}

}  // namespace

std::vector<Comparison> expandComparison(const std::string& declaration, const StudyLayout& layout) {
  const size_t vs = declaration.find(" vs ");
  if (vs == std::string::npos || declaration.find(" vs ", vs + 1) != std::string::npos) {
    throw std::invalid_argument(fmt::format("{}: '{}' is not 'A vs B' (e.g. 'simclr-gaussian@0.5 vs simclr-tx')", kKey, declaration));
  }
  const Pattern a = parseSide(declaration.substr(0, vs), declaration), b = parseSide(declaration.substr(vs + 4), declaration);
  // Method pairs: as named, the other side's where one names none, every axis method where neither does.
  std::vector<std::pair<std::string, std::string>> methodPairs;
  if (a.method.empty() && b.method.empty()) {
    for (const std::string& m : layout.methods) methodPairs.emplace_back(m, m);
  } else {
    methodPairs.emplace_back(a.method.empty() ? b.method : a.method, b.method.empty() ? a.method : b.method);
  }
  std::vector<Comparison> comparisons;
  for (const auto& [methodA, methodB] : methodPairs) {
    if (contains(layout.leftOut, methodA) || contains(layout.leftOut, methodB)) continue;
    const std::vector<ComparisonSide> sidesA = sidesOf(a, methodA, layout, declaration), sidesB = sidesOf(b, methodB, layout, declaration);
    const bool sameColumn = a.value == kEach && b.value == kEach;
    for (const ComparisonSide& sideA : sidesA) {
      for (const ComparisonSide& sideB : sidesB) {
        if (sameColumn && sideA.value != sideB.value) continue;
        if (sideA.method == sideB.method && sideA.value == sideB.value) continue;  // `each` against itself
        comparisons.push_back({sideA, sideB});
      }
    }
  }
  return comparisons;
}

}  // namespace genrep
