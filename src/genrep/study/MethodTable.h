#pragma once
// The methods a study or the demo compares: each a row of a results table, what it trains on
// top of the run's config (solo-learn's method registry, as data). LibTorch-free.
//
//   const Method* m = findMethod("simclr-gaussian");   // m->overrides: source, objective, latent view
#include <string>
#include <vector>

namespace genrep {

struct Method {
  std::string id;                      // "simclr-gaussian"; "pixels" and "random" are the baselines
  std::string label;                   // "SimCLR, generator, gaussian Tz + Tx"
  std::vector<std::string> overrides;  // on top of the run's config
};

// Every method, in the demo's order first.
const std::vector<Method>& methodTable();
// nullptr if unknown.
const Method* findMethod(const std::string& id);
// The rows of the table that `genrep demo` makes: the first nine of methodTable().
std::vector<std::string> demoMethodIds();
// The ids of methodTable(), for messages.
std::vector<std::string> methodIds();

}  // namespace genrep
