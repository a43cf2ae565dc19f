#include "genrep/views/ShardViewSource.h"

#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/Random.h"
#include "genrep/core/Stopwatch.h"
#include "genrep/data/ImageTensor.h"

namespace genrep {
ShardViewSource::ShardViewSource(OfflineDataset dataset, PixelViewOptions pixel, int64_t viewsPerAnchor, uint64_t seed,
                                 torch::Device device)
    : dataset_(std::move(dataset)), pixel_(pixel), viewsPerAnchor_(viewsPerAnchor), seed_(seed), device_(device) {
  requirePositivePair(viewsPerAnchor);
  pixel_.validate();
  if (dataset_.pool() == 0 && !pixel_.enabled) {
    throw std::invalid_argument("an offline dataset without neighbours (pool 0) and views.pixel=false gives identical views");
  }
}

int64_t ShardViewSource::anchorAt(int64_t position) {
  const int64_t count = dataset_.images.size(0);
  const int64_t epoch = position / count;
  if (epoch != epoch_) {
    order_.resize(static_cast<size_t>(count));
    std::iota(order_.begin(), order_.end(), int64_t{0});
    RandomStream rng(mix64(deriveSeed(seed_, "shards.order") ^ static_cast<uint64_t>(epoch)));
    rng.shuffle(order_);
    epoch_ = epoch;
  }
  return order_[static_cast<size_t>(position % count)];
}

ViewBatch ShardViewSource::batch(int64_t step, int64_t anchors) {
  const int64_t b = anchors, v = viewsPerAnchor_;
  const int64_t pool = dataset_.pool();
  const int64_t perAnchor = pool + 1;
  const uint64_t drawKey = mix64(deriveSeed(seed_, "shards.draw") ^ static_cast<uint64_t>(step));
  RandomStream pick(drawKey);
  std::vector<int64_t> rows(static_cast<size_t>(v * b));  // rows of the [N * (1+K)] flattened dataset
  std::vector<int64_t> anchorRows(static_cast<size_t>(b));
  for (int64_t a = 0; a < b; ++a) anchorRows[static_cast<size_t>(a)] = anchorAt(step * b + a);
  for (int64_t view = 0; view < v; ++view) {
    for (int64_t a = 0; a < b; ++a) {
      const int64_t k = view == 0 || pool == 0 ? 0 : 1 + static_cast<int64_t>(pick.uniformInt(static_cast<uint64_t>(pool)));
      rows[static_cast<size_t>(view * b + a)] = anchorRows[static_cast<size_t>(a)] * perAnchor + k;
    }
  }
  auto start = SteadyClock::now();
  const torch::Tensor index = torch::from_blob(rows.data(), {v * b}, torch::kInt64).clone();  // [V*B]
  const torch::Tensor anchorIndex = torch::from_blob(anchorRows.data(), {b}, torch::kInt64).clone();
  const torch::Tensor flatImages = dataset_.images.flatten(0, 1);    // [N*(1+K), C, H, W]
  const torch::Tensor flatLatents = dataset_.latents.flatten(0, 1);  // [N*(1+K), Z]
  const torch::Tensor images = bytesToUnit(flatImages.index_select(0, index).to(device_));

  ViewBatch batch;
  batch.anchors = b;
  batch.viewsPerAnchor = v;
  batch.generateSeconds = secondsSince(start);  // reading from memory takes the generator's place
  start = SteadyClock::now();
  torch::Generator rng = at::make_generator<at::CPUGeneratorImpl>(mix64(drawKey ^ 0x5bd1e995ULL));
  batch.views = pixelView(images, pixel_, rng);
  batch.augmentSeconds = secondsSince(start);
  batch.anchorIds = torch::arange(b, torch::kInt64).repeat({v}).to(device_);
  batch.classes = dataset_.classes.index_select(0, anchorIndex).repeat({v}).to(device_);
  batch.latents = flatLatents.index_select(0, index).to(device_);
  batch.synthetic = torch::ones({v * b}, torch::TensorOptions().dtype(torch::kBool).device(device_));
  return batch;
}

std::string ShardViewSource::describe() const {
  const nlohmann::json& s = dataset_.description.at("settings");
  return fmt::format("offline dataset ({} anchors x pool {}, latent view {}{}), {} views per anchor, pixel views {}",
                     dataset_.images.size(0), dataset_.pool(), s.value("latent_view", "?"),
                     s.value("latent_view", "") == "gaussian" ? fmt::format(" sigma {}", s.value("sigma", 0.0)) : std::string(),
                     viewsPerAnchor_, pixel_.enabled ? "on" : "off");
}

}  // namespace genrep
