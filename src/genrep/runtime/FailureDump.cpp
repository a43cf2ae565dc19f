#include "genrep/runtime/FailureDump.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "genrep/core/AtomicFile.h"

namespace genrep {

std::filesystem::path writeFailureDump(const std::filesystem::path& folder, int64_t step, uint64_t seed, const std::string& what,
                                       const NamedTensors& inputs) {
  std::filesystem::create_directories(folder);
  c10::Dict<std::string, torch::Tensor> tensors;
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& [name, tensor] : inputs) {
    if (!tensor.defined()) continue;
    const torch::Tensor cpu = tensor.detach().cpu().contiguous();
    tensors.insert(name, cpu);
    const int64_t nonFinite = cpu.is_floating_point() ? (~torch::isfinite(cpu)).sum().item<int64_t>() : 0;
    shapes[name] = {{"shape", cpu.sizes().vec()}, {"dtype", std::string(c10::toString(cpu.scalar_type()))}, {"non_finite", nonFinite}};
  }
  const std::vector<char> pickled = torch::pickle_save(c10::IValue(tensors));
  const std::filesystem::path dump = folder / fmt::format("failure-step-{}.pt", step);
  writeFileAtomic(dump, std::string_view(pickled.data(), pickled.size()));
  const nlohmann::json description = {{"what", what}, {"step", step}, {"seed", seed}, {"inputs", shapes},
                                      {"file", dump.filename().string()}};
  writeFileAtomic(folder / fmt::format("failure-step-{}.json", step), description.dump(2) + "\n");
  return dump;
}

}  // namespace genrep
