#include "genrep/views/OfflineDataset.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/Stopwatch.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/data/SyntheticShard.h"
#include "genrep/runtime/CpuFeatures.h"

namespace genrep {
namespace {


ShardHeader headerOf(const GeneratorInfo& info, const OfflineDatasetOptions& o, int64_t paramDim) {
  ShardHeader h;
  h.viewsPerAnchor = static_cast<uint32_t>(1 + o.pool);
  h.channels = static_cast<uint32_t>(info.channels);
  h.height = static_cast<uint32_t>(info.height);
  h.width = static_cast<uint32_t>(info.width);
  h.latentDim = static_cast<uint32_t>(info.latentDim);
  h.classes = static_cast<int32_t>(info.classes);
  h.latentView = static_cast<uint32_t>(o.latent.kind);
  h.sigma = o.latent.kind == LatentViewKind::Gaussian ? o.latent.sigma : 0.0;
  h.truncation = o.latent.truncation;
  h.seed = o.seed;
  h.paramDim = static_cast<uint32_t>(paramDim);
  return h;
}

}  // namespace

void OfflineDatasetOptions::validate() const {
  const OfflineDatasetOptions& o = *this;
  if (o.anchorsPerClass < 1) throw std::invalid_argument("generate.anchors must be >= 1");
  if (o.pool < 0) throw std::invalid_argument("generate.pool must be >= 0");
  if (o.pool == 0 && o.latent.kind != LatentViewKind::None) {
    throw std::invalid_argument("generate.pool is 0: a latent view needs neighbours (set generate.pool >= 1, or views.latent=none)");
  }
  if (o.shardAnchors < 1 || o.shardAnchors > (1 << 24)) throw std::invalid_argument("generate.shard_anchors must be in [1, 2^24]");
  if (o.batch < 1) throw std::invalid_argument("generate.batch must be >= 1");
}

namespace {

// A shard already on disk counts when its header and size say it is the shard we would write.
bool shardIsComplete(const std::filesystem::path& file, const ShardHeader& expected) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  const ShardHeader found = readShardHeader(file);
  if (!found.sameDatasetAs(expected) || found.firstAnchor != expected.firstAnchor || found.anchors != expected.anchors) {
    throw std::invalid_argument(fmt::format("{}: a shard of other settings is in the way; delete it or choose another folder",
                                            file.string()));
  }
  return std::filesystem::file_size(file) == found.fileBytes();
}

}  // namespace

namespace {

// What decides a dataset's bytes: a folder made with other settings is refused.
nlohmann::json datasetSettings(const GeneratorInfo& info, const OfflineDatasetOptions& options, const nlohmann::json& generatorRecord) {
  return {
      {"generator", generatorRecord},
      {"latent_dim", info.latentDim},
      {"classes", info.classes},
      {"image_shape", {info.channels, info.height, info.width}},
      {"latent_view", latentViewName(options.latent.kind)},
      {"sigma", options.latent.kind == LatentViewKind::Gaussian ? options.latent.sigma : 0.0},
      {"walks", options.latent.walks ? walksFingerprint(*options.latent.walks) : std::string()},
      {"truncation", options.latent.truncation},
      {"anchors_per_class", options.anchorsPerClass},
      {"pool", options.pool},
      {"shard_anchors", options.shardAnchors},
      {"seed", options.seed},
  };
}

// Anchors first .. first+n-1 of the dataset with their K neighbours: latents, classes and the
// generator's images, row r = a * (1+K) + k (k = 0: the anchor itself). Adds the time spent
// in the generator to `generatorSeconds`.
void fillShard(SyntheticShard& shard, Generator& generator, const LatentSampler& latents, const OfflineDatasetOptions& options,
               int64_t first, int64_t n, const torch::Device& device, double& generatorSeconds) {
  const GeneratorInfo& info = generator.info();
  const int64_t views = 1 + options.pool;
  const int64_t rows = n * views;
  shard.z.resize(static_cast<size_t>(rows * info.latentDim));
  shard.params.resize(static_cast<size_t>(rows * latents.paramDim()));
  shard.y.resize(static_cast<size_t>(n));
  std::vector<int64_t> rowClasses(static_cast<size_t>(rows));
  for (int64_t a = 0; a < n; ++a) {
    for (int64_t k = 0; k < views; ++k) {
      const LatentCode code = latents.neighbour(static_cast<uint64_t>(first + a), static_cast<uint64_t>(k));
      std::copy(code.z.begin(), code.z.end(), shard.z.begin() + (a * views + k) * info.latentDim);
      std::copy(code.params.begin(), code.params.end(), shard.params.begin() + (a * views + k) * latents.paramDim());
      rowClasses[static_cast<size_t>(a * views + k)] = code.y;
    }
    shard.y[static_cast<size_t>(a)] = rowClasses[static_cast<size_t>(a * views)];
  }
  const torch::Tensor z = torch::from_blob(shard.z.data(), {rows, info.latentDim}, torch::kFloat32);  // [R, Z]
  const torch::Tensor y = torch::from_blob(rowClasses.data(), {rows}, torch::kInt64);                  // [R]
  torch::Tensor bytes = torch::empty({rows, info.channels, info.height, info.width}, torch::kUInt8);   // [R, C, H, W]
  for (int64_t begin = 0; begin < rows; begin += options.batch) {
    const int64_t end = std::min(rows, begin + options.batch);
    const auto generateStart = SteadyClock::now();
    torch::Tensor images;
    {
      torch::NoGradGuard noGrad;
      images = generator.sample(z.slice(0, begin, end).to(device), info.classes > 0 ? y.slice(0, begin, end).to(device) : torch::Tensor());
      if (images.device().is_cuda()) torch::cuda::synchronize();
    }
    generatorSeconds += secondsSince(generateStart);
    bytes.slice(0, begin, end).copy_(unitToBytes(normaliseGenerated(images, info)).cpu());
  }
  shard.images.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
}

}  // namespace

OfflineDatasetReport writeOfflineDataset(Generator& generator, const std::filesystem::path& folder,
                                         const OfflineDatasetOptions& options, const nlohmann::json& generatorRecord,
                                         const torch::Device& device, const std::function<void(int64_t, int64_t)>& progress) {
  options.validate();
  const GeneratorInfo& info = generator.info();
  LatentViewOptions latentOptions = options.latent;
  latentOptions.balancedClasses = true;
  const LatentSampler latents(latentOptions, info.latentDim, info.classes, options.seed);

  OfflineDatasetReport report;
  report.anchors = options.anchorsPerClass * std::max<int64_t>(info.classes, 1);
  report.shards = (report.anchors + options.shardAnchors - 1) / options.shardAnchors;
  const nlohmann::json settings = datasetSettings(info, options, generatorRecord);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  removeStaleTemporaries(folder);  // shards a killed run was writing
  const std::filesystem::path descriptionFile = folder / "dataset.json";
  if (std::filesystem::is_regular_file(descriptionFile, ec)) {
    const nlohmann::json existing = readJsonFile(descriptionFile);
    if (existing.value("settings", nlohmann::json()) != settings) {
      throw std::invalid_argument(fmt::format("{}: this folder holds a dataset made with other settings ({}); choose another "
                                              "folder (--out) or delete it",
                                              descriptionFile.string(), existing.value("settings", nlohmann::json()).dump()));
    }
  }
  nlohmann::json description = {{"format", kOfflineDatasetFormat}, {"version", kOfflineDatasetVersion},
                                {"settings", settings},         {"anchors", report.anchors},
                                {"shards", report.shards},       {"complete", false}};
  writeFileAtomic(descriptionFile, description.dump(2) + "\n");

  const auto start = SteadyClock::now();
  generator.to(device);
  for (int64_t s = 0; s < report.shards; ++s) {
    SyntheticShard shard;
    shard.header = headerOf(info, options, latents.paramDim());
    const int64_t first = s * options.shardAnchors;
    const int64_t n = std::min(options.shardAnchors, report.anchors - first);
    shard.header.firstAnchor = static_cast<uint64_t>(first);
    shard.header.anchors = static_cast<uint32_t>(n);
    const std::filesystem::path file = folder / shardFileName(static_cast<uint64_t>(s));
    if (!shardIsComplete(file, shard.header)) {
      fillShard(shard, generator, latents, options, first, n, device, report.generatorSeconds);
      writeShard(file, std::move(shard));
      report.shardsWritten += 1;
      report.images += n * (1 + options.pool);
    }
    if (progress) progress(s + 1, report.shards);
  }
  report.seconds = secondsSince(start);
  description["complete"] = true;
  description["last_run"] = {{"shards_written", report.shardsWritten},
                             {"images", report.images},
                             {"seconds", report.seconds},
                             {"generator_seconds", report.generatorSeconds},
                             {"images_per_second", report.imagesPerSecond()},
                             {"generator_images_per_second", report.generatorImagesPerSecond()},
                             {"cpu", hostCpu().toJson()}};
  writeFileAtomic(descriptionFile, description.dump(2) + "\n");
  return report;
}

OfflineDataset loadOfflineDataset(const std::filesystem::path& folder) {
  const std::filesystem::path descriptionFile = folder / "dataset.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(descriptionFile, ec)) {
    throw std::invalid_argument(fmt::format("{} is not an offline dataset: no dataset.json (write one with `genrep generate`)",
                                            folder.string()));
  }
  OfflineDataset d;
  d.description = readJsonFile(descriptionFile);
  if (d.description.value("format", "") != kOfflineDatasetFormat || d.description.value("version", 0) != kOfflineDatasetVersion) {
    throw std::invalid_argument(fmt::format("{}: not a genrep-synthetic dataset of version {}", descriptionFile.string(),
                                            kOfflineDatasetVersion));
  }
  if (!d.description.value("complete", false)) {
    throw std::invalid_argument(fmt::format("{}: the dataset is incomplete (generation was interrupted); run the same "
                                            "`genrep generate` again to finish it",
                                            descriptionFile.string()));
  }
  int64_t shards = 0, anchors = 0;
  try {
    shards = d.description.at("shards").get<int64_t>();
    anchors = d.description.at("anchors").get<int64_t>();
    d.classCount = d.description.at("settings").at("classes").get<int64_t>();
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(fmt::format("{}: {}", descriptionFile.string(), error.what()));
  }
  std::vector<torch::Tensor> images, latents, classes;
  ShardHeader first;
  int64_t next = 0;
  for (int64_t s = 0; s < shards; ++s) {
    const std::filesystem::path file = folder / shardFileName(static_cast<uint64_t>(s));
    SyntheticShard shard = readShard(file);
    const ShardHeader& h = shard.header;
    if (s == 0) first = h;
    if (!h.sameDatasetAs(first) || static_cast<int64_t>(h.firstAnchor) != next || h.classes != d.classCount) {
      throw std::invalid_argument(fmt::format("{}: the shard does not continue the dataset (first anchor {}, expected {}; or "
                                              "other settings)",
                                              file.string(), h.firstAnchor, next));
    }
    next += h.anchors;
    const int64_t n = h.anchors, v = h.viewsPerAnchor;
    images.push_back(torch::from_blob(shard.images.data(), {n, v, h.channels, h.height, h.width}, torch::kUInt8).clone());
    latents.push_back(torch::from_blob(shard.z.data(), {n, v, h.latentDim}, torch::kFloat32).clone());
    classes.push_back(torch::from_blob(shard.y.data(), {n}, torch::kInt64).clone());
  }
  if (next != anchors || shards == 0) {
    throw std::invalid_argument(fmt::format("{}: the shards hold {} anchors, dataset.json says {}", folder.string(), next, anchors));
  }
  d.images = torch::cat(images);
  d.latents = torch::cat(latents);
  d.classes = torch::cat(classes);
  return d;
}

}  // namespace genrep
