#pragma once
// The payload of a training checkpoint: a LibTorch archive of nested parts (modules,
// optimisers), tensors and values, inside genrep's checkpoint file (core/CheckpointFile.h:
// magic, versions, step, settings, hash; two slots; atomic writes).
//
//   CheckpointWriter out;
//   out.part("encoder", *encoder);          // anything with save(OutputArchive&)
//   out.write("rng", generator.get_state());
//   out.commit(file, {"encoder-training", 1, step, settings.json()});
//   std::optional<CheckpointFile> found = checkpointToResume(file, "encoder-training", 1, settings, false, "learn.resume");
//   CheckpointReader in(*found);
//   in.part("encoder", *encoder);
#include <cstdint>
#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "genrep/core/CheckpointFile.h"

namespace genrep {

class CheckpointWriter {
 public:
  template <typename Saveable>
  void part(const std::string& name, Saveable& saveable) {
    torch::serialize::OutputArchive nested;
    saveable.save(nested);
    archive_.write(name, nested);
  }
  void write(const std::string& name, const torch::Tensor& value) { archive_.write(name, value); }
  void write(const std::string& name, const c10::IValue& value) { archive_.write(name, value); }
  // `header` gives kind, payload version, step and settings; its payload is ignored.
  void commit(const std::filesystem::path& file, CheckpointFile header);

 private:
  torch::serialize::OutputArchive archive_;
};

class CheckpointReader {
 public:
  // Throws std::runtime_error when the payload is not a readable LibTorch archive.
  explicit CheckpointReader(const CheckpointFile& checkpoint);
  template <typename Loadable>
  void part(const std::string& name, Loadable& loadable) {
    torch::serialize::InputArchive nested;
    archive_.read(name, nested);
    loadable.load(nested);
  }
  torch::Tensor tensor(const std::string& name);
  c10::IValue value(const std::string& name);

 private:
  torch::serialize::InputArchive archive_;
};

}  // namespace genrep
