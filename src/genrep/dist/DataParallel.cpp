#include "genrep/dist/DataParallel.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "genrep/core/Random.h"
#include "genrep/dist/NcclBackend.h"

namespace genrep {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kBucketBytes = 25 << 20;  // flattened all-reduce buckets, as DDP's default

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int64_t environmentInt(const char* name, int64_t min, int64_t max) {
  const std::string text = environment(name);
  if (text.empty()) {
    throw std::invalid_argument(fmt::format("data parallel: WORLD_SIZE is set but {} is not (launch with torchrun, or set RANK, "
                                            "WORLD_SIZE, MASTER_ADDR and MASTER_PORT)",
                                            name));
  }
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < min || value > max) {
    throw std::invalid_argument(fmt::format("data parallel: {}='{}' must be an integer in [{}, {}]", name, text, min, max));
  }
  return value;
}

c10d::ProcessGroup& groupOf(AutogradContext* ctx) {
  return *reinterpret_cast<c10d::ProcessGroup*>(ctx->saved_data["group"].toInt());
}

void allReduceSum(c10d::ProcessGroup& group, torch::Tensor& t) {
  std::vector<torch::Tensor> tensors{t};
  group.allreduce(tensors)->wait();
}

// All-gather whose backward sums the gradients of the gathered rows over ranks and hands
// each rank those of its own rows (solo-learn's GatherLayer).
struct GatherFunction : public torch::autograd::Function<GatherFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& local, c10d::ProcessGroup* group, int64_t rank,
                               int64_t worldSize) {
    ctx->saved_data["group"] = reinterpret_cast<int64_t>(group);
    ctx->saved_data["rank"] = rank;
    ctx->saved_data["rows"] = local.size(0);
    const torch::Tensor input = local.contiguous();
    std::vector<std::vector<torch::Tensor>> outputs(1);
    for (int64_t r = 0; r < worldSize; ++r) outputs[0].push_back(torch::empty_like(input));
    std::vector<torch::Tensor> inputs{input};
    group->allgather(outputs, inputs)->wait();
    return torch::cat(outputs[0], 0);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    torch::Tensor grad = grads[0].contiguous().clone();
    allReduceSum(groupOf(ctx), grad);
    const int64_t rows = ctx->saved_data["rows"].toInt(), rank = ctx->saved_data["rank"].toInt();
    return {grad.slice(0, rank * rows, (rank + 1) * rows), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

struct SumFunction : public torch::autograd::Function<SumFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& local, c10d::ProcessGroup* group) {
    ctx->saved_data["group"] = reinterpret_cast<int64_t>(group);
    torch::Tensor total = local.contiguous().clone();
    allReduceSum(*group, total);
    return total;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    torch::Tensor grad = grads[0].contiguous().clone();
    allReduceSum(groupOf(ctx), grad);
    return {grad, torch::Tensor()};
  }
};

}  // namespace

DataParallel::DataParallel(int rank, int worldSize, std::string where, torch::Device device,
                           c10::intrusive_ptr<c10d::ProcessGroup> group)
    : rank_(rank), worldSize_(worldSize), where_(std::move(where)), device_(device), group_(std::move(group)) {}

DataParallel::~DataParallel() = default;

std::shared_ptr<DataParallel> DataParallel::single() {
  return std::shared_ptr<DataParallel>(new DataParallel(0, 1, "", torch::kCPU, {}));
}

bool DataParallel::requestedByEnvironment() {
  const std::string worldSize = environment("WORLD_SIZE");
  return !worldSize.empty() && worldSize != "1";
}

std::shared_ptr<DataParallel> DataParallel::fromEnvironment(const torch::Device& device, std::chrono::milliseconds timeout) {
  if (environment("WORLD_SIZE").empty()) return single();
  const auto worldSize = static_cast<int>(environmentInt("WORLD_SIZE", 1, 1 << 16));
  if (worldSize == 1) return single();
  const auto rank = static_cast<int>(environmentInt("RANK", 0, worldSize - 1));
  const auto port = static_cast<uint16_t>(environmentInt("MASTER_PORT", 1, 65535));
  const std::string address = environment("MASTER_ADDR");
  if (address.empty()) throw std::invalid_argument("data parallel: WORLD_SIZE is set but MASTER_ADDR is not");
  return connect(address, port, rank, worldSize, device, timeout);
}

std::shared_ptr<DataParallel> DataParallel::connect(const std::string& address, uint16_t port, int rank, int worldSize,
                                                    const torch::Device& device, std::chrono::milliseconds timeout) {
  if (worldSize < 1 || rank < 0 || rank >= worldSize) {
    throw std::invalid_argument(fmt::format("data parallel: rank {} of {} is not a rank", rank, worldSize));
  }
  if (worldSize == 1) return single();
  const std::string where = fmt::format("{}:{}", address, port);
  try {
    // Under torchrun's static rendezvous its agent already hosts the store on MASTER_PORT (a new
    // one for each restart, so with no per-attempt prefix since PyTorch 2.0): every rank is a
    // client there.
    const bool agentStore = environment("TORCHELASTIC_USE_AGENT_STORE") == "True";
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = port;
    storeOptions.isServer = rank == 0 && !agentStore;
    storeOptions.numWorkers = worldSize;
    storeOptions.waitWorkers = !agentStore;
    storeOptions.timeout = timeout;
    const c10::intrusive_ptr<c10d::Store> store = c10::make_intrusive<c10d::TCPStore>(address, storeOptions);
    // One ProcessGroup with a backend per device type, as torch.distributed's "cpu:gloo,cuda:nccl":
    // each collective goes to the backend of its tensors' device. Gloo always (CPU tensors such
    // as the run folder's name), NCCL as well when the run is on a GPU. Each backend meets the
    // others under its own prefix of the store.
    auto group = c10::make_intrusive<c10d::ProcessGroup>(store, rank, worldSize);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    const bool loopback = address == "127.0.0.1" || address == "localhost";
    const std::string interface = environment("GLOO_SOCKET_IFNAME");
    options->devices.push_back(!interface.empty() ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                               : loopback         ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                  : c10d::ProcessGroupGloo::createDefaultDevice());
    auto gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("gloo", store), rank, worldSize,
                                                             options);
    group->setBackend(c10::DeviceType::CPU, c10d::ProcessGroup::GLOO, gloo);
    group->setDefaultBackend(c10d::ProcessGroup::GLOO);
    std::string backends = "gloo";
    if (device.is_cuda()) {
      group->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::NCCL,
                        makeNcclBackend(c10::make_intrusive<c10d::PrefixStore>("nccl", store), rank, worldSize, device, timeout));
      group->setDefaultBackend(c10d::ProcessGroup::NCCL);
      backends = "nccl + gloo";
    }
    return std::shared_ptr<DataParallel>(new DataParallel(rank, worldSize, fmt::format("{}, {}", backends, where), device, group));
  } catch (const std::exception& error) {
    const std::string message = error.what();
    throw std::runtime_error(fmt::format("data parallel: rank {} of {} could not meet the others at {} within {} s: {}", rank,
                                         worldSize, where, timeout.count() / 1000, message.substr(0, message.find('\n'))));
  }
}

std::string DataParallel::describe() const {
  return worldSize_ == 1 ? "one process" : fmt::format("rank {} of {} ({})", rank_, worldSize_, where_);
}

void DataParallel::averageGradients(const std::vector<torch::Tensor>& parameters, torch::Tensor* extra) {
  if (worldSize_ == 1) return;
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : parameters) {
    if (!p.requires_grad()) continue;
    // A parameter that got no gradient on this rank still takes its place in the buffer, so
    // that every rank's buffer has the same layout.
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  std::vector<std::pair<size_t, size_t>> buckets;  // [first, last) gradients, each at most kBucketBytes (or one)
  for (size_t first = 0; first < grads.size();) {
    size_t last = first;
    int64_t bytes = 0;
    while (last < grads.size() && (last == first || bytes + static_cast<int64_t>(grads[last].nbytes()) <= kBucketBytes)) {
      bytes += static_cast<int64_t>(grads[last++].nbytes());
    }
    buckets.emplace_back(first, last);
    first = last;
  }
  const bool withExtra = extra && extra->defined();
  if (buckets.empty() && withExtra) buckets.emplace_back(0, 0);
  const auto dtype = grads.empty() ? torch::kFloat64 : grads.front().scalar_type();
  for (size_t b = 0; b < buckets.size(); ++b) {
    const auto [first, last] = buckets[b];
    const bool carriesExtra = withExtra && b + 1 == buckets.size();
    std::vector<torch::Tensor> flat;
    for (size_t i = first; i < last; ++i) flat.push_back(grads[i].reshape(-1));
    if (carriesExtra) flat.push_back(extra->to(dtype));
    torch::Tensor bucket = torch::cat(flat);
    allReduceSum(*group_, bucket);
    int64_t offset = 0;
    for (size_t i = first; i < last; ++i) {
      const int64_t n = grads[i].numel();
      grads[i].copy_(bucket.slice(0, offset, offset + n).view_as(grads[i]) / worldSize_);
      offset += n;
    }
    if (carriesExtra) extra->copy_(bucket.slice(0, offset));
  }
}

void DataParallel::sumInPlace(torch::Tensor& values) {
  if (worldSize_ > 1) allReduceSum(*group_, values);
}

std::vector<double> DataParallel::meanOverRanks(std::vector<double> values) {
  if (worldSize_ == 1) return values;
  torch::Tensor total = torch::tensor(values, torch::kFloat64).to(device_);
  allReduceSum(*group_, total);
  total = total.cpu();
  for (size_t i = 0; i < values.size(); ++i) values[i] = total[static_cast<int64_t>(i)].item<double>() / worldSize_;
  return values;
}

torch::Tensor DataParallel::gather(const torch::Tensor& local) {
  if (worldSize_ == 1) return local;
  return GatherFunction::apply(local, group_.get(), static_cast<int64_t>(rank_), static_cast<int64_t>(worldSize_));
}

torch::Tensor DataParallel::sum(const torch::Tensor& local) {
  if (worldSize_ == 1) return local;
  return SumFunction::apply(local, group_.get());
}

void DataParallel::broadcastFromMain(const std::vector<torch::Tensor>& tensors) {
  if (worldSize_ == 1) return;
  torch::NoGradGuard noGrad;
  for (const torch::Tensor& t : tensors) {
    std::vector<torch::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
    group_->broadcast(one)->wait();
    if (!t.is_contiguous()) t.copy_(one[0]);
  }
}

std::string DataParallel::shareFromMain(const std::string& text) {
  if (worldSize_ == 1) return text;
  torch::Tensor length = torch::tensor({static_cast<int64_t>(text.size())}, torch::kInt64);
  broadcastFromMain({length});
  torch::Tensor bytes = torch::zeros({length.item<int64_t>()}, torch::kUInt8);
  if (rank_ == 0) std::memcpy(bytes.data_ptr(), text.data(), text.size());
  broadcastFromMain({bytes});
  return std::string(static_cast<const char*>(bytes.data_ptr()), static_cast<size_t>(bytes.numel()));
}

void DataParallel::barrier() {
  if (worldSize_ > 1) group_->barrier()->wait();
}

uint64_t rankSeed(uint64_t runSeed, int rank) {
  return rank == 0 ? runSeed : deriveSeed(runSeed, fmt::format("rank-{}", rank));
}

}  // namespace genrep
