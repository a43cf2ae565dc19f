// What the parts of a GAN training step cost on this machine (Google Benchmark).
//   ./build/bench/genrep_gan_bench --benchmark_counters_tabular=true
// Counters: img/s = images through the measured part per second. Threads: every core
// (GENREP_THREADS to change), batch 64, the default Fashion-MNIST architecture.
#include <cstdio>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "BenchRuntime.h"

#include "genrep/gen/GanLosses.h"
#include "genrep/gen/GanNetworks.h"
#include "genrep/runtime/CpuFeatures.h"

namespace {

using namespace genrep;

constexpr int64_t kBatch = 64;

struct Nets {
  GanArchitecture arch;
  GanGeneratorNet g{arch};
  GanDiscriminatorNet d{arch};
  torch::Tensor z = torch::randn({kBatch, arch.latentDim});
  torch::Tensor y = torch::randint(arch.classes, {kBatch}, torch::kInt64);
  torch::Tensor x = torch::rand({kBatch, 1, 28, 28}) * 2 - 1;
};

Nets& nets() {
  static Nets instance;
  return instance;
}

void setImages(benchmark::State& state, int64_t perIteration) {
  state.counters["img/s"] = benchmark::Counter(static_cast<double>(perIteration), benchmark::Counter::kIsIterationInvariantRate);
}

void GeneratorForward(benchmark::State& state) {
  torch::NoGradGuard noGrad;
  for (auto _ : state) benchmark::DoNotOptimize(nets().g->forward(nets().z, nets().y));
  setImages(state, kBatch);
}

void GeneratorForwardBackward(benchmark::State& state) {
  for (auto _ : state) {
    nets().g->zero_grad();
    nets().g->forward(nets().z, nets().y).mean().backward();
  }
  setImages(state, kBatch);
}

void DiscriminatorForwardBackward(benchmark::State& state) {
  for (auto _ : state) {
    nets().d->zero_grad();
    auto [score, logits] = nets().d->forward(nets().x, nets().y);
    hingeGeneratorLoss(score).backward();
  }
  setImages(state, kBatch);
}

void GeneratorStep(benchmark::State& state) {  // G forward + D forward + both backward
  for (auto _ : state) {
    nets().g->zero_grad();
    nets().d->zero_grad();
    auto [score, logits] = nets().d->forward(nets().g->forward(nets().z, nets().y), nets().y);
    hingeGeneratorLoss(score).backward();
  }
  setImages(state, kBatch);
}

BENCHMARK(GeneratorForward)->Unit(benchmark::kMillisecond);
BENCHMARK(GeneratorForwardBackward)->Unit(benchmark::kMillisecond);
BENCHMARK(DiscriminatorForwardBackward)->Unit(benchmark::kMillisecond);
BENCHMARK(GeneratorStep)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  genrep::bench::configureBenchRuntime();
  std::printf("GAN for 1x28x28, 10 classes: G %lld parameters, D %lld parameters, batch %lld, %d threads\n",
              static_cast<long long>(parameterCount(*nets().g)), static_cast<long long>(parameterCount(*nets().d)),
              static_cast<long long>(kBatch), torch::get_num_threads());
  // In the JSON's "context", so figures from two machines are never compared silently.
  benchmark::AddCustomContext("cpu", genrep::hostCpu().model + ": " + genrep::hostCpu().describe());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
