#include "genrep/study/MethodTable.h"

namespace genrep {

const std::vector<Method>& methodTable() {
  static const std::vector<Method> methods = {
      {"simclr-tx", "SimCLR, generator, Tx only", {"source.kind=generator", "learn.objective=simclr", "views.latent=none"}},
      {"simclr-gaussian", "SimCLR, generator, gaussian Tz + Tx", {"source.kind=generator", "learn.objective=simclr", "views.latent=gaussian"}},
      {"supcon-gaussian", "SupCon, generator, gaussian Tz + Tx", {"source.kind=generator", "learn.objective=supcon", "views.latent=gaussian"}},
      // views.walks is set by whoever runs it: walks learned first, in their own folder.
      {"simclr-steering", "SimCLR, generator, steering Tz + Tx", {"source.kind=generator", "learn.objective=simclr", "views.latent=steering"}},
      {"inverter", "Inverter, generator", {"source.kind=generator", "learn.objective=inverter", "views.latent=none"}},
      {"classifier", "Classifier, generator", {"source.kind=generator", "learn.objective=classifier", "views.latent=none"}},
      {"simclr-real", "SimCLR, real images", {"source.kind=real", "learn.objective=simclr"}},
      {"random", "Random encoder (baseline)", {}},
      {"pixels", "Raw pixels (baseline)", {}},
      {"simclr-independent", "SimCLR, generator, independent Tz + Tx",
       {"source.kind=generator", "learn.objective=simclr", "views.latent=independent"}},
      {"supcon-independent", "SupCon, generator, independent Tz + Tx",
       {"source.kind=generator", "learn.objective=supcon", "views.latent=independent"}},
      // The latent view left to a study's axis (views.latent).
      {"simclr-latent", "SimCLR, generator (latent view: the axis)", {"source.kind=generator", "learn.objective=simclr"}},
      {"supcon-latent", "SupCon, generator (latent view: the axis)", {"source.kind=generator", "learn.objective=supcon"}},
      // A share of each batch generated (source.share), the rest real.
      {"mix-tx", "SimCLR, mix, Tx only (the paper's recipe)", {"source.kind=mix", "learn.objective=simclr", "views.latent=none"}},
      {"mix-gaussian", "SimCLR, mix, gaussian Tz + Tx", {"source.kind=mix", "learn.objective=simclr", "views.latent=gaussian"}},
      // The label-matched baseline of SupCon on a conditional generator: the real images' labels
      // where the generator's views carry the labels it was trained with.
      {"supcon-real", "SupCon, real images (their labels)", {"source.kind=real", "learn.objective=supcon"}},
  };
  return methods;
}

std::vector<std::string> demoMethodIds() {
  std::vector<std::string> ids;
  for (auto m = methodTable().begin(); m != methodTable().begin() + 9; ++m) ids.push_back(m->id);
  return ids;
}

const Method* findMethod(const std::string& id) {
  for (const Method& method : methodTable()) {
    if (method.id == id) return &method;
  }
  return nullptr;
}

std::vector<std::string> methodIds() {
  std::vector<std::string> ids;
  for (const Method& m : methodTable()) ids.push_back(m.id);
  return ids;
}

}  // namespace genrep
