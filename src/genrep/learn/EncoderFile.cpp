#include "genrep/learn/EncoderFile.h"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"

namespace genrep {

void saveEncoder(const std::filesystem::path& folder, ResNetEncoder& encoder, const nlohmann::json& training) {
  std::filesystem::create_directories(folder);
  c10::Dict<std::string, at::Tensor> weights;
  for (const auto& item : encoder->named_parameters()) weights.insert(item.key(), item.value().detach().cpu().contiguous());
  for (const auto& item : encoder->named_buffers()) weights.insert(item.key(), item.value().detach().cpu().contiguous());
  const std::vector<char> bytes = torch::pickle_save(weights);
  writeFileAtomic(folder / "encoder.pt", std::string_view(bytes.data(), bytes.size()));
  const nlohmann::json manifest = {{"format", kEncoderManifestFormat},
                                   {"version", kEncoderManifestVersion},
                                   {"architecture", encoder->arch().toJson()},
                                   {"weights", "encoder.pt"},
                                   {"input", "[B, C, H, W] float, pixels mapped to [-1, 1]"},
                                   {"training", training}};
  writeFileAtomic(folder / "encoder.json", manifest.dump(2) + "\n");
}

bool isEncoderFolder(const std::filesystem::path& folder) {
  std::error_code ec;
  return std::filesystem::exists(folder / "encoder.json", ec);
}

nlohmann::json readEncoderManifest(const std::filesystem::path& folder) {
  const std::filesystem::path file = folder / "encoder.json";
  if (!isEncoderFolder(folder)) {
    throw std::invalid_argument(fmt::format("{} is not a genrep encoder folder (no encoder.json); train one with genrep train",
                                            folder.string()));
  }
  const nlohmann::json manifest = readJsonFile(file);
  if (manifest.value("format", "") != kEncoderManifestFormat || manifest.value("version", 0) != kEncoderManifestVersion) {
    throw std::invalid_argument(fmt::format("{}: not a {} manifest of version {}", file.string(), kEncoderManifestFormat,
                                            kEncoderManifestVersion));
  }
  return manifest;
}

ResNetEncoder loadEncoder(const std::filesystem::path& folder) {
  const nlohmann::json manifest = readEncoderManifest(folder);
  const std::filesystem::path file = folder / manifest.value("weights", "encoder.pt");
  ResNetEncoder encoder(EncoderArch::fromJson(manifest.at("architecture")));
  c10::impl::GenericDict weights(c10::StringType::get(), c10::TensorType::get());
  try {
    const std::string bytes = readFileText(file);
    weights = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
  } catch (const c10::Error& error) {
    const std::string message = error.what();
    throw std::invalid_argument(fmt::format("{}: cannot read the encoder weights ({})", file.string(), message.substr(0, message.find('\n'))));
  }
  torch::NoGradGuard noGrad;
  const auto assign = [&](const std::string& name, torch::Tensor& target) {
    const auto it = weights.find(name);
    if (it == weights.end()) throw std::invalid_argument(fmt::format("{}: missing tensor '{}'", file.string(), name));
    const torch::Tensor value = it->value().toTensor();
    if (value.sizes() != target.sizes()) {
      throw std::invalid_argument(fmt::format("{}: tensor '{}' has shape {} but the architecture needs {}", file.string(), name,
                                              fmt::join(value.sizes(), "x"), fmt::join(target.sizes(), "x")));
    }
    target.copy_(value);
  };
  for (auto& item : encoder->named_parameters()) assign(item.key(), item.value());
  for (auto& item : encoder->named_buffers()) assign(item.key(), item.value());
  return encoder;
}

}  // namespace genrep
