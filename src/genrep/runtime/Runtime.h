#pragma once
// Process-wide runtime set-up and facts: threads, BLAS, devices. Header without LibTorch.
//
//   int threads = genrep::configureThreads(0);          // 0 = every core
//   genrep::RuntimeInfo info = genrep::runtimeInfo();   // what `genrep --version` prints
//   if (auto w = genrep::blasWarning(info.blas)) fmt::print(stderr, "{}\n", *w);
#include <optional>
#include <string>
#include <tuple>

namespace genrep {

struct BlasInfo {
  enum class Kind { OpenBlasOpenMp, OpenBlasPthread, Reference, Mkl, Blis, Other, Unknown };
  Kind kind = Kind::Unknown;
  std::string library;  // real path of the library that provides sgemm_
  std::string detail;   // e.g. OpenBLAS's own configuration string
};

struct RuntimeInfo {
  std::string genrepVersion;
  std::string libtorchVersion;
  std::string cuda;    // "CUDA 13.0, cuDNN 9.19.0, 1 device(s): NVIDIA H100 ..." or why there is none
  std::string onednn;  // "oneDNN 3.10.2": the CPU convolution library LibTorch runs (onednnVersion)
  std::string device;  // "cpu (model name)" plus any CUDA devices
  std::string cpuFeatures;  // the flags and oneDNN ISA that decide bf16 and channels_last (CpuFeatures.h)
  int threads = 1;
  BlasInfo blas;
  std::string allocator;
};

// Keeps glibc malloc from handing tensor-sized blocks back to the kernel after every op.
// By default blocks over 128 KiB (raised dynamically, but not reliably) are mmap'ed and
// unmapped on free, so every activation of a training step page-faults afresh: measured
// here, a GAN generator forward of batch 64 took 96 ms instead of 24 ms (bench/). Sets the
// mmap threshold to 32 MiB (glibc's maximum) and turns off trimming, unless the user set
// MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_. Call once at start-up.
// Returns a description for --version.
std::string configureAllocator();

// Threads per hardware thread beyond which configureThreads refuses a count.
inline constexpr long kMaxThreadsPerCore = 4;

// Sets LibTorch's intra-op threads (LibTorch 1.13 starts with one); `requested` 0 = all
// cores. Returns the number in use. Throws std::invalid_argument naming run.threads for a
// negative count or one above kMaxThreadsPerCore x the hardware threads.
int configureThreads(long requested);

// Whether the loaded LibTorch was built with CUDA (its CUDA library is linked in), whether or
// not this machine has a GPU.
bool libtorchHasCuda();

// The oneDNN (MKL-DNN) inside the loaded LibTorch, as {major, minor, patch}, read at run time
// from LibTorch's build configuration; nothing when it has none or does not say.
struct OnednnVersion {
  int major = 0, minor = 0, patch = 0;

  bool operator<(const OnednnVersion& other) const {
    return std::tie(major, minor, patch) < std::tie(other.major, other.minor, other.patch);
  }
  std::string name() const { return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch); }
};
std::optional<OnednnVersion> onednnVersion();
// "oneDNN 3.10.2 (Git Hash ...)" -> {3, 10, 2}: the line of LibTorch's build configuration.
std::optional<OnednnVersion> parseOnednnVersion(const std::string& config);

BlasInfo detectBlas();
std::string describeBlas(const BlasInfo& blas);
RuntimeInfo runtimeInfo();

// A warning when the loaded BLAS makes LibTorch much slower than it should be, with the fix.
std::optional<std::string> blasWarning(const BlasInfo& blas);

}  // namespace genrep
