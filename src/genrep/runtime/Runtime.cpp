#include "genrep/runtime/Runtime.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <ATen/Version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "genrep/core/Version.h"
#include "genrep/runtime/CpuFeatures.h"

namespace genrep {
namespace {

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

std::string& allocatorDescription() {
  static std::string description = "glibc malloc, default settings (configureAllocator not called)";
  return description;
}

}  // namespace

std::string configureAllocator() {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("MALLOC_MMAP_MAX_") ||
      std::getenv("GLIBC_TUNABLES")) {
    allocatorDescription() = "glibc malloc, settings from the environment (MALLOC_* / GLIBC_TUNABLES)";
  } else {
    // No mmap at all: glibc caps the mmap threshold at 32 MiB, and encoder activations of a
    // 512-view batch (51 MB each) were otherwise mapped, zero-filled and unmapped every
    // step (206 -> 551 views/s, docs/performance.md). Freed blocks stay in the heap for reuse.
    const bool ok = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
    allocatorDescription() = ok ? "glibc malloc, no mmap, trim threshold 1 GiB" : "glibc malloc, default settings (mallopt refused)";
  }
  return allocatorDescription();
}

int configureThreads(long requested) {
  if (requested < 0) throw std::invalid_argument(fmt::format("run.threads is {}; use 0 for every core or a positive count", requested));
  const long cores = std::max(1u, std::thread::hardware_concurrency());
  // More threads than this only stall the machine (OpenMP starts every one of them).
  if (requested > kMaxThreadsPerCore * cores) {
    throw std::invalid_argument(fmt::format("run.threads is {}; this machine has {} hardware threads, use at most {} (0 = every core)",
                                            requested, cores, kMaxThreadsPerCore * cores));
  }
  const int threads = static_cast<int>(requested == 0 ? cores : requested);
  torch::set_num_threads(threads);
  return torch::get_num_threads();
}

bool libtorchHasCuda() {
  // Without LibTorch's CUDA library the hooks are the default ones, which throw.
  try {
    return at::detail::getCUDAHooks().versionCUDART() > 0;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<OnednnVersion> parseOnednnVersion(const std::string& config) {
  static const std::regex pattern(R"((?:MKL-DNN|oneDNN) v(\d+)\.(\d+)(?:\.(\d+))?)");
  std::smatch match;
  if (!std::regex_search(config, match, pattern)) return std::nullopt;
  return OnednnVersion{std::stoi(match[1]), std::stoi(match[2]), match[3].matched ? std::stoi(match[3]) : 0};
}

std::optional<OnednnVersion> onednnVersion() {
  // LibTorch links oneDNN in without exporting its symbols, so its own build configuration
  // (torch.__config__.show()) is what names the version at run time.
  static const std::optional<OnednnVersion> version = parseOnednnVersion(at::show_config());
  return version;
}

BlasInfo detectBlas() {
  BlasInfo blas;
  // The library that provides the Fortran sgemm_ symbol is the BLAS LibTorch calls; its
  // real path tells which Debian alternative (reference, OpenBLAS, ...) is active.
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (!sgemm || !dladdr(sgemm, &info) || !info.dli_fname) return blas;
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(info.dli_fname, ec);
  blas.library = ec ? std::string(info.dli_fname) : real.string();
  using Kind = BlasInfo::Kind;
  if (contains(blas.library, "openblas")) {
    blas.kind = contains(blas.library, "pthread") ? Kind::OpenBlasPthread : Kind::OpenBlasOpenMp;
  } else if (contains(blas.library, "/blas/") || contains(blas.library, "libblas.so.3.")) {
    blas.kind = Kind::Reference;
  } else if (contains(blas.library, "mkl")) {
    blas.kind = Kind::Mkl;
  } else if (contains(blas.library, "blis")) {
    blas.kind = Kind::Blis;
  } else {
    blas.kind = Kind::Other;
  }
  using ConfigFn = char* (*)();
  if (auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) blas.detail = config();
  // PyPI's LibTorch links Intel MKL into libtorch_cpu.so, which then provides sgemm_.
  using MklVersionFn = void (*)(char*, int);
  if (auto mklVersion = reinterpret_cast<MklVersionFn>(dlsym(RTLD_DEFAULT, "MKL_Get_Version_String")); mklVersion && blas.kind == Kind::Other) {
    char text[256] = {};
    mklVersion(text, sizeof(text) - 1);
    blas.kind = Kind::Mkl;
    blas.detail = text;
  }
  return blas;
}

std::string describeBlas(const BlasInfo& blas) {
  using Kind = BlasInfo::Kind;
  std::string name;
  switch (blas.kind) {
    case Kind::OpenBlasOpenMp: name = "OpenBLAS (OpenMP)"; break;
    case Kind::OpenBlasPthread: name = "OpenBLAS (pthreads)"; break;
    case Kind::Reference: name = "reference BLAS (slow)"; break;
    case Kind::Mkl: name = "Intel MKL"; break;
    case Kind::Blis: name = "BLIS"; break;
    case Kind::Other: name = "BLAS"; break;
    case Kind::Unknown: return "no BLAS found (sgemm_ not loaded)";
  }
  std::string text = fmt::format("{} {}", name, blas.library);
  if (!blas.detail.empty()) text += fmt::format(" [{}]", blas.detail);
  return text;
}

std::optional<std::string> blasWarning(const BlasInfo& blas) {
  if (blas.kind == BlasInfo::Kind::Reference) {
    return fmt::format(
        "genrep: warning: LibTorch is using the reference BLAS ({}); Linear and transposed-convolution layers run "
        "20-70x slower. Fix: apt-get install libopenblas0-openmp",
        blas.library);
  }
  if (blas.kind == BlasInfo::Kind::OpenBlasPthread) {
    return fmt::format(
        "genrep: warning: the pthreads build of OpenBLAS is loaded ({}); its threads compete with LibTorch's OpenMP "
        "threads. Fix: apt-get install libopenblas0-openmp (or update-alternatives --config libblas.so.3-x86_64-linux-gnu)",
        blas.library);
  }
  return std::nullopt;
}

RuntimeInfo runtimeInfo() {
  RuntimeInfo info;
  info.genrepVersion = kVersion;
  info.libtorchVersion = TORCH_VERSION;
  info.device = fmt::format("cpu ({}, {} cores)", hostCpu().model, std::thread::hardware_concurrency());
  info.cpuFeatures = hostCpu().describe();
  if (libtorchHasCuda()) {
    const auto& hooks = at::detail::getCUDAHooks();
    const long runtime = hooks.versionCUDART();
    info.cuda = fmt::format("{}.{}", runtime / 1000, runtime % 1000 / 10);
    if (hooks.hasCuDNN()) {
      const long cudnn = hooks.versionCuDNN();
      info.cuda += fmt::format(", cuDNN {}.{}.{}", cudnn / 10000, cudnn % 10000 / 100, cudnn % 100);
    }
    const size_t devices = torch::cuda::is_available() ? torch::cuda::device_count() : 0;
    info.cuda += devices ? fmt::format(", {} device(s)", devices) : ", no device visible (runs on the CPU)";
    if (devices) info.device += fmt::format("; cuda: {} device(s)", devices);
  } else {
    info.cuda = "none (this LibTorch was built without CUDA)";
  }
  const std::optional<OnednnVersion> onednn = onednnVersion();
  info.onednn = onednn ? "oneDNN " + onednn->name() : "no oneDNN";
  info.threads = torch::get_num_threads();
  info.blas = detectBlas();
  info.allocator = allocatorDescription();
  return info;
}

}  // namespace genrep
