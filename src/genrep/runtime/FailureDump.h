#pragma once
// What a run leaves when a NaN or an Inf stops it: the step, the seed and the inputs that
// produced the value, so the step can be looked at and replayed. Code that finds one throws
// NonFiniteError with the tensors it holds; the trainer, which knows the step, the seed and
// the run folder, writes them out and stops.
//
//   throw NonFiniteError("the loss is nan", {{"views", batch.views}, {"latents", batch.latents}});
//   ...
//   catch (const NonFiniteError& e) {
//     auto dump = writeFailureDump(runFolder, step, seed, e.what(), e.inputs());
//     // runFolder/failure-step-12.pt: a dict for Python's torch.load; failure-step-12.json
//   }
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace genrep {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

class NonFiniteError : public std::runtime_error {
 public:
  NonFiniteError(const std::string& what, NamedTensors inputs) : std::runtime_error(what), inputs_(std::move(inputs)) {}
  const NamedTensors& inputs() const { return inputs_; }

 private:
  NamedTensors inputs_;
};

// Writes <folder>/failure-step-<step>.pt (the inputs as a dict of CPU tensors, for torch.load
// in Python or torch::pickle_load) and <folder>/failure-step-<step>.json (what, step, seed,
// each input's shape and its count of non-finite values); returns the .pt path.
std::filesystem::path writeFailureDump(const std::filesystem::path& folder, int64_t step, uint64_t seed, const std::string& what,
                                       const NamedTensors& inputs);

}  // namespace genrep
