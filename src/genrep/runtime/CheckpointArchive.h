#pragma once
// Training checkpoints as LibTorch archives: a version number first, nested parts for
// modules and optimizers, plain tensors and values, written atomically (temporary file,
// fsync, rename) so a crash leaves the previous checkpoint intact.
//
//   CheckpointWriter out("genrep_encoder_checkpoint_version", 1);
//   out.part("encoder", *encoder);          // anything with save(OutputArchive&)
//   out.write("step", torch::tensor(step));
//   out.commit(file);
//   CheckpointReader in(file, "genrep_encoder_checkpoint_version", 1);   // throws on another version
//   in.part("encoder", *encoder);
//   int64_t step = in.tensor("step").item<int64_t>();
#include <cstdint>
#include <filesystem>
#include <string>

#include <torch/torch.h>

namespace genrep {

class CheckpointWriter {
 public:
  CheckpointWriter(const std::string& versionKey, int64_t version);
  template <typename Saveable>
  void part(const std::string& name, Saveable& saveable) {
    torch::serialize::OutputArchive nested;
    saveable.save(nested);
    archive_.write(name, nested);
  }
  void write(const std::string& name, const torch::Tensor& value) { archive_.write(name, value); }
  void write(const std::string& name, const c10::IValue& value) { archive_.write(name, value); }
  void commit(const std::filesystem::path& file);

 private:
  torch::serialize::OutputArchive archive_;
};

class CheckpointReader {
 public:
  // Throws std::runtime_error when the file cannot be read or has another version.
  CheckpointReader(const std::filesystem::path& file, const std::string& versionKey, int64_t version);
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
