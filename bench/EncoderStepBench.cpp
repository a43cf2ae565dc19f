// What the parts of an encoder training step cost on this machine (Google Benchmark), with the
// shipped generator and the default encoder, batch 256 anchors x 2 views.
//   ./build/bench/genrep_encoder_bench --benchmark_counters_tabular=true     (from the repo root)
// Counters: views/s = views through the measured part per second. Threads: every core
// (GENREP_THREADS to change). GENREP_GENERATOR names another generator folder.
#include <cstdio>
#include <cstdlib>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "BenchRuntime.h"

#include "genrep/gen/GanGenerator.h"
#include "genrep/learn/Objective.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/views/GeneratorViewSource.h"

namespace {

using namespace genrep;

constexpr int64_t kAnchors = 256;

struct Parts {
  std::shared_ptr<Generator> generator;
  ResNetEncoder encoder{EncoderArch{}};
  std::shared_ptr<Objective> objective;
  std::unique_ptr<torch::optim::SGD> optimizer;

  Parts() {
    const char* folder = std::getenv("GENREP_GENERATOR");
    generator = loadGanGenerator(folder ? folder : "models/fashion-mnist-cgan");
    objective = makeObjective(ObjectiveOptions{}, encoder->arch().featureDim(), generator->info().classes, generator->info().latentDim);
    std::vector<torch::Tensor> parameters = encoder->parameters();
    for (const auto& p : objective->parameters()) parameters.push_back(p);
    optimizer = std::make_unique<torch::optim::SGD>(parameters, torch::optim::SGDOptions(0.03).momentum(0.9).weight_decay(1e-4));
  }
};

Parts& parts() {
  static Parts instance;
  return instance;
}

GeneratorViewSource source(LatentViewKind kind) {
  GeneratorViewOptions options;
  options.latent.kind = kind;
  return GeneratorViewSource(parts().generator, options, torch::kCPU);
}

void setViews(benchmark::State& state, int64_t perIteration) {
  state.counters["views/s"] = benchmark::Counter(static_cast<double>(perIteration), benchmark::Counter::kIsIterationInvariantRate);
}

void trainStep(const ViewBatch& batch) {
  const torch::Tensor loss = parts().objective->loss(parts().encoder->forward(batch.views), batch);
  parts().optimizer->zero_grad();
  loss.backward();
  parts().optimizer->step();
}

void ViewsTxOnly(benchmark::State& state) {  // one generator call of 256, two pixel views each
  GeneratorViewSource s = source(LatentViewKind::None);
  int64_t step = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s.batch(step++, kAnchors).views);
  setViews(state, 2 * kAnchors);
}

void ViewsGaussian(benchmark::State& state) {  // one generator call of 512 (anchors + neighbours)
  GeneratorViewSource s = source(LatentViewKind::Gaussian);
  int64_t step = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s.batch(step++, kAnchors).views);
  setViews(state, 2 * kAnchors);
}

void EncoderStep(benchmark::State& state) {  // forward, SimCLR loss, backward, SGD on fixed views
  parts().encoder->train();
  GeneratorViewSource s = source(LatentViewKind::Gaussian);
  const ViewBatch batch = s.batch(0, kAnchors);
  for (auto _ : state) trainStep(batch);
  setViews(state, 2 * kAnchors);
}

void WholeStepGaussian(benchmark::State& state) {  // what `genrep train` does per step
  parts().encoder->train();
  GeneratorViewSource s = source(LatentViewKind::Gaussian);
  int64_t step = 0;
  for (auto _ : state) trainStep(s.batch(step++, kAnchors));
  setViews(state, 2 * kAnchors);
}

BENCHMARK(ViewsTxOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(ViewsGaussian)->Unit(benchmark::kMillisecond);
BENCHMARK(EncoderStep)->Unit(benchmark::kMillisecond);
BENCHMARK(WholeStepGaussian)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  genrep::bench::configureBenchRuntime();
  std::printf("encoder ResNet stages %lld width %lld; %s; %lld anchors x 2 views; %d threads\n",
              static_cast<long long>(parts().encoder->arch().stages), static_cast<long long>(parts().encoder->arch().width),
              parts().generator->info().description.c_str(), static_cast<long long>(kAnchors), torch::get_num_threads());
  // In the JSON's "context", so figures from two machines are never compared silently.
  benchmark::AddCustomContext("cpu", genrep::hostCpu().model + ": " + genrep::hostCpu().describe());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
