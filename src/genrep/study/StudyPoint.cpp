#include "genrep/study/StudyPoint.h"

#include <fmt/format.h>

#include "genrep/core/TextList.h"
#include "genrep/study/MethodTable.h"
#include "genrep/study/StudyDefinition.h"

namespace genrep {
namespace {

// "key=value" and the settings that go with the value after '|' ("4|learn.batch=128").
void addAxisValue(std::vector<std::string>& overrides, const std::string& axis, const std::string& value) {
  const std::vector<std::string> parts = splitList(value, '|');
  overrides.push_back(axis + "=" + parts.front());
  overrides.insert(overrides.end(), parts.begin() + 1, parts.end());
}

}  // namespace

std::vector<StudyPoint> studyPoints(const StudyDefinition& study, int64_t firstSeed, int64_t seeds) {
  std::vector<StudyPoint> points;
  for (int64_t s = firstSeed; s < firstSeed + seeds; ++s) {
    const auto add = [&](const std::string& id, const std::string& value, const std::string& value2) {
      StudyPoint p{findMethod(id), value, s, {}, value2};
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

std::string pointLabel(const StudyDefinition& study, const StudyPoint& point) {
  std::string label = point.method->id;
  if (!study.axis.empty()) label += fmt::format(" {}={}", study.axis, point.value.empty() ? "(ref)" : point.value);
  if (!point.value2.empty()) label += fmt::format(" {}={}", study.axis2, point.value2);
  return label + fmt::format(" seed {}", point.seed);
}

}  // namespace genrep
