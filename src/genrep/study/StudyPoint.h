#pragma once
// A study's points: every (axis value x second-axis value x method) and every reference, at
// every seed, with the settings each adds on top of the study's config. Seed by seed, so that a
// seed's grid is whole before the next one starts (a campaign stopped half-way has whole seeds
// to compare). LibTorch-free.
//
//   std::vector<StudyPoint> points = studyPoints(study, /*firstSeed*/ 0, /*seeds*/ 3);
//   points[4].overrides;   // {"source.kind=generator", ..., "views.sigma=0.5", "run.seed=0"}
#include <cstdint>
#include <string>
#include <vector>

namespace genrep {

struct Method;
struct StudyDefinition;

struct StudyPoint {
  const Method* method = nullptr;      // study/MethodTable.h
  std::string value;                   // the axis's value; "" for a reference method
  int64_t seed = 0;
  std::vector<std::string> overrides;  // "key=value" on top of the study's config
  std::string value2 = {};             // the second axis's value; "" for none

  // Whether it is the point of `method` at `value` and `value2`.
  bool is(const Method* m, const std::string& v, const std::string& v2) const { return method == m && value == v && value2 == v2; }
};

// The study's points at seeds firstSeed .. firstSeed + seeds - 1, references first within a seed.
std::vector<StudyPoint> studyPoints(const StudyDefinition& study, int64_t firstSeed, int64_t seeds);

// "simclr-gaussian views.sigma=0.5 seed 1": what progress lines call the point.
std::string pointLabel(const StudyDefinition& study, const StudyPoint& point);

}  // namespace genrep
