#include "genrep/study/PairedDifference.h"

#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

#include "genrep/core/MeanSpread.h"

namespace genrep {

const NameTable<Verdict>& verdictNames() {
  static const NameTable<Verdict> names = {{Verdict::Holds, "holds"},
                                           {Verdict::WithinNoise, "within noise"},
                                           {Verdict::Reversed, "reversed"},
                                           {Verdict::OneSeed, "1 seed: no verdict"}};
  return names;
}

double studentTQuantile(double p, int64_t degrees) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument(fmt::format("studentTQuantile: p is {}; it must be in (0, 1)", p));
  if (degrees < 1) throw std::invalid_argument(fmt::format("studentTQuantile: {} degrees of freedom; it needs at least 1", degrees));
  return boost::math::quantile(boost::math::students_t(static_cast<double>(degrees)), p);
}

PairedDifference pairedDifference(const std::map<int64_t, double>& a, const std::map<int64_t, double>& b, double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument(fmt::format("pairedDifference: confidence is {}; it must be in (0, 1)", confidence));
  }
  PairedDifference d;
  for (const auto& [seed, value] : a) {
    if (const auto other = b.find(seed); other != b.end()) {
      d.seeds.push_back(seed);
      d.differences.push_back(value - other->second);
    }
  }
  if (d.seeds.empty()) throw std::invalid_argument("pairedDifference: the two sides share no seed");
  const MeanSpread s = meanAndSpread(d.differences);
  d.mean = d.low = d.high = s.mean;
  const int64_t n = static_cast<int64_t>(d.seeds.size());
  if (n < 2) return d;
  const double half = studentTQuantile(0.5 + confidence / 2, n - 1) * s.spread / std::sqrt(static_cast<double>(n));
  d.low = s.mean - half;
  d.high = s.mean + half;
  d.verdict = d.low > 0 ? Verdict::Holds : d.high < 0 ? Verdict::Reversed : Verdict::WithinNoise;
  return d;
}

}  // namespace genrep
