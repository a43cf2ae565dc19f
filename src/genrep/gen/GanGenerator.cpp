#include "genrep/gen/GanGenerator.h"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/runtime/ChannelsLast.h"

namespace genrep {

GanGenerator::GanGenerator(GanGeneratorNet net, nlohmann::json manifest) : net_(std::move(net)), manifest_(std::move(manifest)) {
  const GanArchitecture& arch = net_->arch;
  info_.latentDim = arch.latentDim;
  info_.classes = arch.classes;
  info_.channels = arch.channels;
  info_.height = arch.height;
  info_.width = arch.width;
  info_.outputMin = -1.0;
  info_.outputMax = 1.0;
  info_.description = fmt::format("genrep GAN ({}, {} params)", arch.classes > 0 ? "class-conditional" : "unconditional",
                                  parameterCount(*net_));
  net_->eval();
}

torch::Tensor GanGenerator::sample(const torch::Tensor& z, const torch::Tensor& y) {
  if (z.dim() != 2 || z.size(1) != info_.latentDim) {
    throw std::invalid_argument(fmt::format("generator: z must be [B, {}], got [{}]", info_.latentDim, fmt::join(z.sizes(), ", ")));
  }
  if (info_.classes > 0 && (!y.defined() || y.dim() != 1 || y.size(0) != z.size(0))) {
    throw std::invalid_argument("generator: a conditional generator needs y [B] int64 beside z [B, Z]");
  }
  net_->eval();
  return net_->forward(z, info_.classes > 0 ? y : torch::Tensor());
}

bool GanGenerator::useChannelsLast(const std::string& setting) { return applyChannelsLast(*net_, setting); }

void saveGanGenerator(const std::filesystem::path& folder, GanGeneratorNet& net, const nlohmann::json& training) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (!std::filesystem::is_directory(folder)) {
    throw std::runtime_error(fmt::format("cannot create generator folder {}: {}", folder.string(), ec.message()));
  }
  std::ostringstream weights;
  torch::save(net, weights);
  writeFileAtomic(folder / "generator.pt", weights.str());
  const GanArchitecture& arch = net->arch;
  const nlohmann::json manifest = {
      {"format", kGeneratorManifestFormat},
      {"version", kGeneratorManifestVersion},
      {"kind", "genrep-gan"},
      {"weights", "generator.pt"},
      {"latent_dim", arch.latentDim},
      {"classes", arch.classes},
      {"image_shape", {arch.channels, arch.height, arch.width}},
      {"output_range", {-1.0, 1.0}},
      {"latent", "z = truncation * TN(-2, 2); trained with N(0, 1)"},
      {"architecture", arch.toJson()},
      {"parameters", parameterCount(*net)},
      {"training", training},
  };
  writeFileAtomic(folder / "manifest.json", manifest.dump(2) + "\n");
}

std::unique_ptr<GanGenerator> loadGanGenerator(const std::filesystem::path& folder) {
  return loadGanGenerator(folder, readGeneratorManifest(folder));
}

std::unique_ptr<GanGenerator> loadGanGenerator(const std::filesystem::path& folder, nlohmann::json manifest) {
  const std::filesystem::path manifestFile = folder / "manifest.json";
  if (manifest.value("format", "") != kGeneratorManifestFormat || manifest.value("kind", "") != "genrep-gan") {
    throw std::invalid_argument(fmt::format("{}: not a genrep GAN manifest (format \"{}\", kind \"{}\")", manifestFile.string(),
                                            manifest.value("format", ""), manifest.value("kind", "")));
  }
  if (manifest.value("version", 0) != kGeneratorManifestVersion) {
    throw std::invalid_argument(fmt::format("{}: manifest version {} is not supported (this genrep reads version {})",
                                            manifestFile.string(), manifest.value("version", 0), kGeneratorManifestVersion));
  }
  if (!manifest.contains("architecture")) {
    throw std::invalid_argument(fmt::format("{}: the manifest has no \"architecture\"", manifestFile.string()));
  }
  GanArchitecture arch;
  try {
    arch = GanArchitecture::fromJson(manifest.at("architecture"));
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(fmt::format("{}: {}", manifestFile.string(), error.what()));
  }
  GanGeneratorNet net(arch);
  const std::filesystem::path weightsFile = folder / manifest.value("weights", "generator.pt");
  try {
    std::istringstream in(readFileText(weightsFile));
    torch::load(net, in);
  } catch (const std::exception& error) {
    std::string message = error.what();
    message = message.substr(0, message.find('\n'));
    throw std::invalid_argument(
        fmt::format("cannot load generator weights {}: {} (file corrupt or from another architecture)", weightsFile.string(), message));
  }
  return std::make_unique<GanGenerator>(std::move(net), std::move(manifest));
}

}  // namespace genrep
