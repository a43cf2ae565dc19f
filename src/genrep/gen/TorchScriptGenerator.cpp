#include "genrep/gen/TorchScriptGenerator.h"

#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/script.h>

#include "genrep/gen/GanGenerator.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/gen/Latents.h"
#include "genrep/runtime/ChannelsLast.h"

namespace genrep {
namespace {

const std::set<std::string> kManifestKeys = {"format",      "version",      "kind",         "module",     "latent_dim",
                                             "classes",     "class_input",  "image_shape",  "output_range", "truncation",
                                             "description", "source",       "license",      "export"};

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TorchScriptManifest TorchScriptManifest::fromJson(const nlohmann::json& json, const std::string& where) {
  const auto fail = [&where](const std::string& message) { throw std::invalid_argument(fmt::format("{}: {}", where, message)); };
  if (!json.is_object()) fail("the manifest must be a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (!kManifestKeys.count(key)) fail(fmt::format("unknown key \"{}\" (known: {})", key, fmt::join(kManifestKeys, ", ")));
  }
  TorchScriptManifest m;
  try {
    m.module = json.value("module", std::string("module.pt"));
    m.info.latentDim = json.at("latent_dim").get<int64_t>();
    m.info.classes = json.value("classes", int64_t{0});
    const std::string classInput = json.value("class_input", std::string(m.info.classes > 0 ? "index" : "none"));
    if (classInput == "none") {
      m.classInput = ClassInput::None;
    } else if (classInput == "index") {
      m.classInput = ClassInput::Index;
    } else if (classInput == "one-hot") {
      m.classInput = ClassInput::OneHot;
    } else {
      fail(fmt::format("class_input \"{}\" is not one of none, index, one-hot", classInput));
    }
    const auto shape = json.at("image_shape").get<std::vector<int64_t>>();
    if (shape.size() != 3) fail("image_shape must be [channels, height, width]");
    m.info.channels = shape[0];
    m.info.height = shape[1];
    m.info.width = shape[2];
    const auto range = json.value("output_range", std::vector<double>{-1.0, 1.0});
    if (range.size() != 2 || !(range[0] < range[1])) fail("output_range must be [min, max] with min < max");
    m.info.outputMin = range[0];
    m.info.outputMax = range[1];
    if (json.contains("truncation")) {
      const nlohmann::json& t = json.at("truncation");
      m.truncationArgument = t.value("argument", false);
      m.truncation = t.value("value", 1.0);
    }
    m.info.description = json.value("description", std::string("TorchScript generator"));
  } catch (const nlohmann::json::exception& error) {
    fail(fmt::format("{} (latent_dim and image_shape are required)", firstLine(error.what())));
  }
  if (m.info.latentDim <= 0) fail(fmt::format("latent_dim is {}, must be positive", m.info.latentDim));
  if (m.info.classes < 0) fail(fmt::format("classes is {}, must be >= 0", m.info.classes));
  if ((m.info.classes > 0) != (m.classInput != ClassInput::None)) {
    fail(fmt::format("classes is {} but class_input is {}: a conditional generator takes its class as \"index\" or "
                     "\"one-hot\", an unconditional one (classes 0) as \"none\"",
                     m.info.classes, json.value("class_input", std::string("(default)"))));
  }
  if (m.info.channels != 1 && m.info.channels != 3) fail(fmt::format("image_shape has {} channels, must be 1 or 3", m.info.channels));
  if (m.info.height <= 0 || m.info.width <= 0) fail("image_shape: height and width must be positive");
  if (!(m.truncation > 0)) fail("truncation.value must be positive");
  return m;
}

struct TorchScriptGenerator::Module {
  torch::jit::Module module;
};

TorchScriptGenerator::TorchScriptGenerator(const std::filesystem::path& folder, TorchScriptManifest manifest)
    : module_(std::make_unique<Module>()), manifest_(std::move(manifest)), where_((folder / manifest_.module).string()) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(folder / manifest_.module, ec)) {
    throw std::invalid_argument(fmt::format("{}: no such TorchScript module (the manifest's \"module\"; write it with "
                                            "torch.jit.save)",
                                            where_));
  }
  try {
    module_->module = torch::jit::load(where_, torch::kCPU);
  } catch (const std::exception& error) {
    throw std::invalid_argument(
        fmt::format("{}: not a TorchScript module ({}); save it with torch.jit.save", where_, firstLine(error.what())));
  }
  module_->module.eval();

  // The trial call: two latents, two classes, checked against everything the manifest says.
  const GeneratorInfo& info = manifest_.info;
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(0);
  const torch::Tensor z = sampleLatents(2, info.latentDim, 1.0, rng);  // [2, Z]
  const torch::Tensor y = info.classes > 0 ? torch::tensor({int64_t{0}, std::min<int64_t>(1, info.classes - 1)}) : torch::Tensor();
  torch::Tensor x;
  {
    torch::NoGradGuard noGrad;
    x = sample(z, y);
  }
  if (!torch::isfinite(x).all().item<bool>()) {
    throw std::invalid_argument(fmt::format("{}: the trial call returned NaN or Inf", where_));
  }
  const double low = x.min().item<double>(), high = x.max().item<double>();
  const double slack = 1e-3 * (info.outputMax - info.outputMin);
  if (low < info.outputMin - slack || high > info.outputMax + slack) {
    throw std::invalid_argument(fmt::format("{}: the trial call returned values in [{:.4g}, {:.4g}], outside the manifest's "
                                            "output_range [{}, {}]; fix output_range",
                                            where_, low, high, info.outputMin, info.outputMax));
  }
}

TorchScriptGenerator::~TorchScriptGenerator() = default;

torch::Tensor TorchScriptGenerator::sample(const torch::Tensor& z, const torch::Tensor& y) {
  const GeneratorInfo& info = manifest_.info;
  if (z.dim() != 2 || z.size(1) != info.latentDim) {
    throw std::invalid_argument(fmt::format("generator {}: z must be [B, {}], got [{}]", where_, info.latentDim, fmt::join(z.sizes(), ", ")));
  }
  std::vector<torch::jit::IValue> inputs{z};
  if (manifest_.classInput != ClassInput::None) {
    if (!y.defined() || y.dim() != 1 || y.size(0) != z.size(0)) {
      throw std::invalid_argument(fmt::format("generator {}: a conditional generator needs y [B] int64 beside z [B, Z]", where_));
    }
    inputs.emplace_back(manifest_.classInput == ClassInput::Index ? y : torch::one_hot(y, info.classes).to(z.scalar_type()));
  }
  if (manifest_.truncationArgument) inputs.emplace_back(manifest_.truncation);
  torch::jit::IValue output;
  try {
    output = module_->module.forward(inputs);
  } catch (const std::exception& error) {
    throw std::invalid_argument(fmt::format("generator {}: forward failed with z [{}]{}: {} (check latent_dim, class_input and "
                                            "truncation in its manifest)",
                                            where_, fmt::join(z.sizes(), ", "),
                                            inputs.size() > 1 && manifest_.classInput != ClassInput::None ? " and y" : "",
                                            firstLine(error.what())));
  }
  if (!output.isTensor()) {
    throw std::invalid_argument(fmt::format("generator {}: forward returned a {}, not a tensor [B, C, H, W]", where_, output.tagKind()));
  }
  torch::Tensor images = output.toTensor();
  const std::vector<int64_t> expected{z.size(0), info.channels, info.height, info.width};
  if (images.sizes() != torch::IntArrayRef(expected)) {
    throw std::invalid_argument(fmt::format("generator {}: forward returned [{}], the manifest says [{}] (image_shape)", where_,
                                            fmt::join(images.sizes(), ", "), fmt::join(expected, ", ")));
  }
  return images.scalar_type() == torch::kFloat32 ? images : images.to(torch::kFloat32);
}

void TorchScriptGenerator::to(const torch::Device& device) { module_->module.to(device); }

bool TorchScriptGenerator::useChannelsLast(const std::string& setting) {
  // A TorchScript module shows its weights, not its layers' strides: every 4-D weight counts
  // as a convolution of unknown stride.
  std::vector<std::pair<std::string, torch::Tensor>> weights;
  std::vector<torch::Tensor> parameters;
  for (const auto& p : module_->module.named_parameters()) {
    weights.emplace_back(p.name, p.value);
    parameters.push_back(p.value);
  }
  return applyChannelsLast(convLayersFromWeights(weights), parameters, setting);
}

std::unique_ptr<TorchScriptGenerator> loadTorchScriptGenerator(const std::filesystem::path& folder) {
  return loadTorchScriptGenerator(folder, readGeneratorManifest(folder));
}

std::unique_ptr<TorchScriptGenerator> loadTorchScriptGenerator(const std::filesystem::path& folder, const nlohmann::json& json) {
  const std::string where = (folder / "manifest.json").string();
  if (json.value("format", "") != kGeneratorManifestFormat || json.value("kind", "") != "torchscript") {
    throw std::invalid_argument(fmt::format("{}: not a TorchScript generator manifest (format \"{}\", kind \"{}\")", where,
                                            json.value("format", ""), json.value("kind", "")));
  }
  if (json.value("version", 0) != kGeneratorManifestVersion) {
    throw std::invalid_argument(fmt::format("{}: manifest version {} is not supported (this genrep reads version {})", where,
                                            json.value("version", 0), kGeneratorManifestVersion));
  }
  return std::make_unique<TorchScriptGenerator>(folder, TorchScriptManifest::fromJson(json, where));
}

}  // namespace genrep
