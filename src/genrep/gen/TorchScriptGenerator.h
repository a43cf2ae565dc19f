#pragma once
// A generator the user brings (docs/generators.md): a TorchScript module plus a manifest, in a folder
//   <folder>/manifest.json   {"format": "genrep-generator", "version": 1, "kind": "torchscript",
//                             "module": "module.pt", "latent_dim": 128, "classes": 1000,
//                             "class_input": "one-hot", "image_shape": [3, 128, 128],
//                             "output_range": [-1, 1], "truncation": {"argument": true, "value": 0.4}}
//   <folder>/module.pt       torch.jit.save of a module whose forward takes
//                            (z [B, Z]) | (z, y) | (z, y, truncation) and returns [B, C, H, W]
// class_input: "none" (unconditional: forward(z)), "index" (y [B] int64) or "one-hot"
// (y [B, classes] float). Loading makes a trial call, so a manifest that does not match its
// module (latent size, output shape, range, NaN) is refused before any work starts.
// docs/generators.md says how to export a PyTorch generator.
//
//   std::unique_ptr<Generator> g = loadTorchScriptGenerator("models/biggan-128");
//   torch::Tensor x = g->sample(z, y);   // z [B, Z], y [B] int64 -> [B, C, H, W]
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "genrep/gen/Generator.h"

namespace genrep {

enum class ClassInput { None, Index, OneHot };

struct TorchScriptManifest {
  std::string module = "module.pt";
  ClassInput classInput = ClassInput::None;
  bool truncationArgument = false;  // forward gets `truncation` as its last argument
  double truncation = 1.0;
  GeneratorInfo info;

  // Throws std::invalid_argument naming `where` (the manifest file) and the bad field.
  static TorchScriptManifest fromJson(const nlohmann::json& json, const std::string& where);
};

class TorchScriptGenerator : public Generator {
 public:
  // Loads folder/<module>; throws std::invalid_argument when the module cannot be read or
  // its trial call does not match the manifest.
  TorchScriptGenerator(const std::filesystem::path& folder, TorchScriptManifest manifest);
  ~TorchScriptGenerator() override;
  const GeneratorInfo& info() const override { return manifest_.info; }
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor& y) override;
  void to(const torch::Device& device) override;
  bool useChannelsLast(const std::string& setting) override;

 private:
  struct Module;  // keeps <torch/script.h> out of this header
  std::unique_ptr<Module> module_;
  TorchScriptManifest manifest_;
  std::string where_;  // the module file, for messages
};

std::unique_ptr<TorchScriptGenerator> loadTorchScriptGenerator(const std::filesystem::path& folder);
// The same, with folder/manifest.json already read.
std::unique_ptr<TorchScriptGenerator> loadTorchScriptGenerator(const std::filesystem::path& folder, const nlohmann::json& json);

}  // namespace genrep
