#include "genrep/runtime/Provenance.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "genrep/core/BuildCommit.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/Runtime.h"

namespace genrep {

nlohmann::json Provenance::toJson() const {
  return {{"cpu_model", cpuModel}, {"cpu_flags", cpuFlags}, {"libtorch", libtorch}, {"onednn", onednn},
          {"threads", threads},    {"device", device},      {"commit", commit}};
}

Provenance Provenance::fromJson(const nlohmann::json& json) {
  Provenance p;
  p.cpuModel = json.value("cpu_model", "");
  p.cpuFlags = json.value("cpu_flags", "");
  p.libtorch = json.value("libtorch", "");
  p.onednn = json.value("onednn", "");
  p.threads = json.value("threads", 0);
  p.device = json.value("device", "");
  p.commit = json.value("commit", "");
  return p;
}

std::string Provenance::machine() const { return cpuFlags.empty() ? cpuModel : fmt::format("{} ({})", cpuModel, cpuFlags); }

Provenance currentProvenance(const std::string& device) {
  const CpuFeatures& cpu = hostCpu();
  Provenance p;
  p.cpuModel = cpu.model;
  p.cpuFlags = fmt::format("{}", fmt::join(cpu.flags, " "));
  p.libtorch = TORCH_VERSION;
  if (const std::optional<OnednnVersion> onednn = onednnVersion()) p.onednn = onednn->name();
  p.threads = torch::get_num_threads();
  p.device = device;
  p.commit = buildCommit();
  return p;
}

}  // namespace genrep
