#pragma once
// genrep's own GAN as a Generator, and its folder on disk:
//   <folder>/manifest.json   what the generator is (GeneratorInfo, architecture, training)
//   <folder>/generator.pt    the (EMA) generator weights, torch::save format
// The manifest is written last, so a folder with a manifest is complete.
//
//   saveGanGenerator("models/fashion-mnist-cgan", emaNet, trainingJson);
//   std::unique_ptr<Generator> g = loadGanGenerator("models/fashion-mnist-cgan");
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "genrep/gen/GanNetworks.h"
#include "genrep/gen/Generator.h"

namespace genrep {

inline constexpr const char* kGeneratorManifestFormat = "genrep-generator";
inline constexpr int kGeneratorManifestVersion = 1;

class GanGenerator : public Generator {
 public:
  GanGenerator(GanGeneratorNet net, nlohmann::json manifest);
  const GeneratorInfo& info() const override { return info_; }
  torch::Tensor sample(const torch::Tensor& z, const torch::Tensor& y) override;  // eval mode
  bool useChannelsLast(const std::string& setting) override;
  void to(const torch::Device& device) override { net_->to(device); }
  const nlohmann::json& manifest() const { return manifest_; }
  GanGeneratorNet& net() { return net_; }

 private:
  GanGeneratorNet net_;
  nlohmann::json manifest_;
  GeneratorInfo info_;
};

void saveGanGenerator(const std::filesystem::path& folder, GanGeneratorNet& net, const nlohmann::json& training);
// Throws std::invalid_argument naming the folder or file when it is not a genrep generator.
std::unique_ptr<GanGenerator> loadGanGenerator(const std::filesystem::path& folder);
// The same, with folder/manifest.json already read (loadGenerator reads it to learn the kind).
std::unique_ptr<GanGenerator> loadGanGenerator(const std::filesystem::path& folder, nlohmann::json manifest);

}  // namespace genrep
