// Reproducer for the channels_last hazard of oneDNN 2.6 (runtime/ChannelsLast.h): runs one
// convolution layer per line below, forward and backward, in NCHW and then put through the
// channels_last guard, and prints for each whether the guard switched it and how far its
// output and gradients are from NCHW. Run it under a heap checker to see memory errors:
//
//   valgrind --error-exitcode=3 --suppressions=tests/runtime/valgrind.supp
//            build/tests/genrep_channels_last_repro --batch 2 --side 8       # AVX2 kernels
//   LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_CHECK_=3 build/tests/genrep_channels_last_repro
//   ... genrep_channels_last_repro --unguarded    # every layer switched: the bad ones corrupt
//
// Valgrind hides AVX-512, so under it oneDNN always runs its AVX2 kernels; the glibc check
// sees the CPU's own ISA (set a lower one with ONEDNN_MAX_CPU_ISA=AVX2). Exit status 1 when a
// layer's results differ from NCHW by more than float rounding. docs/benchmark.md has the
// measured bad set; tests/CMakeLists.txt runs this under both checkers.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <torch/torch.h>

#include "genrep/runtime/ChannelsLast.h"
#include "genrep/runtime/CpuFeatures.h"

namespace {

struct Case {
  int64_t in, out, kernel, stride;
  const char* what;
};

// genrep's own layers at their default widths, then the measured bad set and its edges.
const Case kCases[] = {
    {1, 16, 3, 1, "encoder stem, 1 channel"},
    {3, 16, 3, 1, "encoder stem, RGB"},
    {16, 32, 3, 2, "encoder stage 2, strided 3x3"},
    {16, 32, 1, 2, "encoder shortcut at width 16"},
    {32, 64, 1, 2, "encoder shortcut, stage 3"},
    {256, 128, 3, 1, "generator (width 64) first conv"},
    {64, 1, 3, 1, "generator to-image conv"},
    {3, 8, 1, 2, "bad on AVX2: 3 input channels"},
    {4, 8, 1, 2, "bad on AVX2 and AVX-512: the test encoder's shortcut (width 4)"},
    {8, 16, 1, 2, "bad on AVX-512 (block 16), fine on AVX2 (block 8)"},
    {12, 16, 1, 2, "bad on AVX-512"},
    {4, 8, 1, 1, "stride 1: no strided copy"},
};

double maxError(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / (a.abs().max() + 1e-12)).item<double>();
}

}  // namespace

int main(int argc, char** argv) {
  // Small batches hide AVX-512's overrun inside the allocator's slack (none was seen below
  // 32 images of 64x64); valgrind, slow, sees every byte and wants small ones.
  bool unguarded = false;
  int64_t batch = 32, side = 64;
  for (int i = 1; i < argc; ++i) {
    const bool hasValue = i + 1 < argc;
    if (std::strcmp(argv[i], "--unguarded") == 0) {
      unguarded = true;
    } else if (std::strcmp(argv[i], "--batch") == 0 && hasValue) {
      batch = std::atol(argv[++i]);
    } else if (std::strcmp(argv[i], "--side") == 0 && hasValue) {
      side = std::atol(argv[++i]);
    } else {
      batch = 0;
      break;
    }
  }
  if (batch < 1 || side < 2) {
    std::fprintf(stderr, "genrep: error: usage: %s [--unguarded] [--batch N >= 1] [--side N >= 2]\n", argv[0]);
    return 2;
  }
  torch::set_num_threads(1);
  const genrep::CpuFeatures& cpu = genrep::hostCpu();
  std::printf("%s: %s; batch %ld of %ldx%ld; %s\n", cpu.model.c_str(), cpu.describe().c_str(), static_cast<long>(batch),
              static_cast<long>(side), static_cast<long>(side), unguarded ? "UNGUARDED (every layer switched)" : "guarded");
  int failures = 0;
  for (const Case& c : kCases) {
    torch::manual_seed(0);
    torch::nn::Conv2d reference(torch::nn::Conv2dOptions(c.in, c.out, c.kernel).stride(c.stride).padding(c.kernel / 2));
    torch::nn::Conv2d layer(torch::nn::Conv2dOptions(c.in, c.out, c.kernel).stride(c.stride).padding(c.kernel / 2));
    {
      torch::NoGradGuard noGrad;
      layer->weight.copy_(reference->weight);
      layer->bias.copy_(reference->bias);
    }
    bool switched = false;
    if (unguarded) {
      torch::NoGradGuard noGrad;
      layer->weight.set_data(layer->weight.contiguous(torch::MemoryFormat::ChannelsLast));
      switched = true;
    } else {
      switched = genrep::applyChannelsLast(*layer, "repro");
    }
    const torch::Tensor x = torch::randn({batch, c.in, side, side});  // [B, C, H, W]
    const torch::Tensor xa = x.clone().requires_grad_();
    const torch::Tensor xb = (switched ? genrep::toChannelsLast(x) : x.clone()).requires_grad_();
    const torch::Tensor ya = reference->forward(xa), yb = layer->forward(xb);
    ya.square().sum().backward();
    yb.square().sum().backward();
    const double ey = maxError(ya, yb), ex = maxError(xa.grad(), xb.grad()), ew = maxError(reference->weight.grad(), layer->weight.grad());
    // Float rounding of reductions in another order: up to ~2e-5 relative for the 2 304-term
    // weight gradients here; a corrupted kernel is off by far more (or crashes).
    const bool ok = ey < 1e-4 && ex < 1e-4 && ew < 1e-4;
    failures += ok ? 0 : 1;
    std::printf("%3ld -> %3ld, %ldx%ld stride %ld (%s): %s; relative error out %.2g, input grad %.2g, weight grad %.2g%s\n",
                static_cast<long>(c.in), static_cast<long>(c.out), static_cast<long>(c.kernel), static_cast<long>(c.kernel),
                static_cast<long>(c.stride), c.what, switched ? "channels_last" : "kept NCHW", ey, ex, ew, ok ? "" : "  WRONG");
    std::fflush(stdout);
  }
  return failures == 0 ? 0 : 1;
}
