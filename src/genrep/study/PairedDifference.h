#pragma once
// The statistics of a study's declared comparison: the paired difference A - B per seed (the
// same seed is the same draw of views and weights on both sides), its mean, a two-sided t
// interval over the seeds (n - 1 degrees of freedom) and what the interval says.
//
//   PairedDifference d = pairedDifference({{0, 86.1}, {1, 86.4}, {2, 86.0}},   // A: seed -> value
//                                         {{0, 85.5}, {1, 85.9}, {2, 85.8}});  // B
//   d.mean; d.low; d.high; d.verdict == Verdict::Holds;   // the interval lies above 0
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "genrep/core/NameTable.h"

namespace genrep {

// Holds: the interval lies above 0 (A ahead of B); Reversed: below 0; WithinNoise: it holds 0;
// OneSeed: a single pair, no interval and no verdict.
enum class Verdict { Holds, WithinNoise, Reversed, OneSeed };
const NameTable<Verdict>& verdictNames();  // "holds", "within noise", "reversed", "1 seed: no verdict"

struct PairedDifference {
  std::vector<int64_t> seeds;       // the seeds both sides have, ascending
  std::vector<double> differences;  // A - B at each of them
  double mean = 0;
  double low = 0, high = 0;  // the interval; equal to the mean with one seed
  Verdict verdict = Verdict::OneSeed;
};

// The quantile p of Student's t distribution with `degrees` degrees of freedom (Boost.Math).
// Throws std::invalid_argument for p outside (0, 1) or degrees < 1.
double studentTQuantile(double p, int64_t degrees);

// Over the seeds both `a` and `b` have, at `confidence` (two-sided). Throws
// std::invalid_argument when they share no seed or confidence is outside (0, 1).
PairedDifference pairedDifference(const std::map<int64_t, double>& a, const std::map<int64_t, double>& b, double confidence = 0.95);

}  // namespace genrep
