// genrep's side of the pipeline benchmark (bench/pipeline.sh runs it beside the Python
// reference, bench/reference_pipeline.py): SimCLR training steps of an encoder (the default
// small ResNet, or torchvision's ResNet-18/34/50) fed by the generator stream or by an offline
// shard dataset, timed part by part.
//
//   ./build/bench/genrep_pipeline_bench --source stream --steps 30 --threads 2 --json out.json
//   ./build/bench/genrep_pipeline_bench --source shards --shards bench-out/shards
//   ./build/bench/genrep_pipeline_bench --generator G128 --arch resnet50 --crop-size 112 --input-norm imagenet --batch 32
//
// The stream can reuse generated anchors (--refresh R --window W, views/RefreshedViewSource.h).
// A step = views (generation, pixel views, reading) -> encoder forward + loss -> backward ->
// SGD update: genrep train's own step (learn/EncoderStep.h), timed part by part. Prints and writes (JSON) views per second
// over the measured steps, each part's share of the step, the encoder's achieved GFLOP/s
// (3 x forward FLOPs per view over the forward + backward time) and, measured in the same
// process, the machine's float32 matmul and large-convolution GFLOP/s to compare with, and the
// process's peak resident memory.
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/Stopwatch.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/learn/EncoderStep.h"
#include "genrep/learn/Objective.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/runtime/Autocast.h"
#include "genrep/runtime/ChannelsLast.h"
#include "genrep/runtime/CpuFeatures.h"
#include "genrep/runtime/Device.h"
#include "genrep/runtime/Runtime.h"
#include "genrep/views/GeneratorViewSource.h"
#include "genrep/views/PrefetchedViewSource.h"
#include "genrep/views/RefreshedViewSource.h"
#include "genrep/views/ShardViewSource.h"

namespace {

using namespace genrep;

struct Settings {
  std::string source = "stream";
  std::string generator = "models/fashion-mnist-cgan";
  std::string shards;
  int64_t steps = 30;
  int64_t warmup = 3;
  int64_t batch = 256;
  int threads = 0;
  std::string arch = "resnet";
  std::string stem = "imagenet";     // torchvision's archs only
  std::string inputNorm = "none";
  int64_t cropSize = 0;              // 0 = the generator's image size
  std::string encoderPrecision = "fp32";
  std::string generatorPrecision = "fp32";
  bool channelsLast = false;
  bool generatorChannelsLast = false;
  double refresh = 1.0;
  int prefetchThreads = 0;  // > 0: a producer thread with this many intra-op threads makes step t+1's views
  int64_t window = 4096;
  std::string device = "cpu";
  std::string json;
};

struct PartSeconds {
  double views = 0, generate = 0, augment = 0, forward = 0, backward = 0, update = 0;
  double step() const { return views + forward + backward + update; }
};

// GFLOP/s of `work` (which does `flops` operations and returns its result), repeated for
// about a second; the last result is read back so that a GPU has finished the work too.
template <typename Work>
double gflops(double flops, Work work) {
  work().sum().template item<double>();  // warm-up: first-call allocations and kernel selection
  int64_t repeats = 0;
  torch::Tensor last;
  const auto start = SteadyClock::now();
  while (secondsSince(start) < 1.0) {
    last = work();
    ++repeats;
  }
  last.sum().template item<double>();
  return flops * static_cast<double>(repeats) / secondsSince(start) / 1e9;
}

// The peaks the encoder's GFLOP/s is compared with: a 2048 x 2048 matrix product (the BLAS,
// OpenBLAS here) and a large 3x3 convolution in channels_last (oneDNN, which the encoder's
// convolutions use and which reaches more than the BLAS on this CPU).
double matmulGflops(torch::ScalarType type, const torch::Device& device) {
  constexpr int64_t n = 2048;
  const auto options = torch::TensorOptions().dtype(type).device(device);
  const torch::Tensor a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
  return gflops(2.0 * n * n * n, [&] { return torch::matmul(a, b); });
}

double convGflops(const torch::Device& device) {
  constexpr int64_t batch = 64, channels = 256, side = 16;
  const torch::Tensor x = torch::randn({batch, channels, side, side}, device).contiguous(torch::MemoryFormat::ChannelsLast);
  const torch::Tensor w = torch::randn({channels, channels, 3, 3}, device).contiguous(torch::MemoryFormat::ChannelsLast);
  return gflops(2.0 * batch * channels * channels * 9 * side * side, [&] { return torch::conv2d(x, w, {}, 1, 1); });
}

// The paper's Tx (colour jitter in a random order per image, as torchvision's ColorJitter), at
// --crop-size; saturation, hue and greyscale apply to RGB images only.
PixelViewOptions pixelOptions(const Settings& s) {
  PixelViewOptions pixel;
  pixel.jitterRandomOrder = true;
  pixel.cropSize = s.cropSize;
  return pixel;
}

// Peak resident memory of this process so far, MiB (Linux reports ru_maxrss in KiB).
double peakResidentMib() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

EncoderArch encoderArch(const Settings& s, int64_t channels) {
  EncoderArch arch;
  arch.channels = channels;
  arch.kind = valueNamedOrThrow(encoderKinds(), s.arch, "--arch", "encoder");
  arch.stem = valueNamedOrThrow(encoderStems(), s.stem, "--stem", "stem");
  arch.inputNorm = valueNamedOrThrow(inputNorms(), s.inputNorm, "--input-norm", "input normalisation");
  arch.validate();
  return arch;
}

// `applied`: the generator's speed switches as this CPU allowed them (stream sources only).
std::unique_ptr<ViewSource> makeUnprefetchedSource(const Settings& s, std::shared_ptr<Generator> generator, const torch::Device& device,
                                                   GeneratorViewOptions& applied) {
  if (s.source == "shards") {
    if (s.shards.empty()) throw std::invalid_argument("--source shards needs --shards DIR (written by `genrep generate`)");
    return std::make_unique<ShardViewSource>(loadOfflineDataset(s.shards), pixelOptions(s), 2, 0, device);
  }
  GeneratorViewOptions options;  // gaussian latent view, sigma 0.5, 2 views, a continuous stream
  options.pixel = pixelOptions(s);
  options.generatorPrecision = parsePrecision(s.generatorPrecision, "--generator-precision");
  options.generatorChannelsLast = s.generatorChannelsLast;
  auto stream = std::make_unique<GeneratorViewSource>(std::move(generator), options, device);
  applied = stream->options();
  if (s.refresh == 1.0) return stream;
  return std::make_unique<RefreshedViewSource>(std::move(stream), s.refresh, s.window);
}

std::unique_ptr<ViewSource> makeSource(const Settings& s, std::shared_ptr<Generator> generator, const torch::Device& device,
                                       GeneratorViewOptions& applied) {
  std::unique_ptr<ViewSource> source = makeUnprefetchedSource(s, std::move(generator), device, applied);
  if (s.prefetchThreads == 0) return source;
  return std::make_unique<PrefetchedViewSource>(std::move(source), s.prefetchThreads);
}

int run(const Settings& s) {
  configureAllocator();
  configureThreads(s.threads);
  torch::manual_seed(0);
  const torch::Device device = selectDevice(s.device);
  std::shared_ptr<Generator> generator = loadGenerator(s.generator);
  GeneratorViewOptions applied;
  std::unique_ptr<ViewSource> source = makeSource(s, generator, device, applied);
  const GeneratorInfo& info = generator->info();

  ResNetEncoder encoder(encoderArch(s, source->channels()));
  std::shared_ptr<Objective> objective = makeObjective(ObjectiveOptions{}, encoder->arch().featureDim(), source->classes(),
                                                       source->latentDim());
  encoder->to(device);
  objective->to(device);
  EncoderTrainingOptions training;  // genrep train's step at this batch (learn.* defaults but the switches asked for)
  training.batch = s.batch;
  training.precision = parsePrecision(s.encoderPrecision, "--encoder-precision");
  training.channelsLast = s.channelsLast;
  EncoderStep trainer(encoder, *objective, training);
  const Precision encoderPrecision = trainer.precision();
  const bool channelsLast = trainer.channelsLast();
  const torch::Tensor& firstParameter = trainer.parameters().front();

  const int64_t viewHeight = s.cropSize > 0 ? s.cropSize : info.height, viewWidth = s.cropSize > 0 ? s.cropSize : info.width;
  fmt::print("genrep {}: {}\nencoder {}; SimCLR; {} anchors x 2 views of {}x{}x{}; {} threads; encoder {}{}\n", s.source,
             source->describe(), encoder->arch().describe(), s.batch, info.channels, viewHeight, viewWidth,
             torch::get_num_threads(), precisionName(encoderPrecision), channelsLast ? ", channels_last" : "");
  PartSeconds total;
  double lossSum = 0;
  for (int64_t step = 0; step < s.warmup + s.steps; ++step) {
    PartSeconds part;
    auto start = SteadyClock::now();
    const ViewBatch batch = source->batch(step, s.batch);
    part.views = secondsSince(start);
    part.generate = batch.generateSeconds;
    part.augment = batch.augmentSeconds;
    start = SteadyClock::now();
    const torch::Tensor loss = trainer.loss(batch);
    const double value = loss.item<double>();  // waits for the forward pass (on a GPU too)
    part.forward = secondsSince(start);
    start = SteadyClock::now();
    trainer.backward(loss);
    if (device.is_cuda()) firstParameter.grad().sum().item<double>();  // wait for the backward kernels
    part.backward = secondsSince(start);
    start = SteadyClock::now();
    trainer.apply();
    if (device.is_cuda()) firstParameter.sum().item<double>();  // wait for the update's kernels
    part.update = secondsSince(start);
    if (step < s.warmup) continue;
    total.views += part.views;
    total.generate += part.generate;
    total.augment += part.augment;
    total.forward += part.forward;
    total.backward += part.backward;
    total.update += part.update;
    lossSum += value;
  }

  const double peakMib = peakResidentMib();  // before the peak measurements below allocate their own
  const double viewsPerStep = 2.0 * static_cast<double>(s.batch);
  const double steps = static_cast<double>(s.steps);
  const double stepSeconds = total.step();
  const double flopsPerView = 3.0 * static_cast<double>(encoder->arch().forwardFlops(viewHeight, viewWidth));
  const double encoderGflops = flopsPerView * viewsPerStep * steps / (total.forward + total.backward) / 1e9;
  const double peak = matmulGflops(torch::kFloat32, device);
  const double convPeak = convGflops(device);
  const double peakBf16 = encoderPrecision == Precision::BFloat16 ? matmulGflops(torch::kBFloat16, device) : 0.0;
  const double other = total.views - total.generate - total.augment;  // sampling latents, reading shards, copies
  const nlohmann::json result = {
      {"pipeline", "genrep-" + s.source},
      {"source", source->describe()},
      {"steps", s.steps},
      {"warmup_steps", s.warmup},
      {"batch", s.batch},
      {"views_per_step", viewsPerStep},
      {"threads", torch::get_num_threads()},
      {"device", device.str()},
      {"cpu", hostCpu().toJson()},
      {"generator", s.generator},
      {"image_shape", {info.channels, info.height, info.width}},
      {"view_shape", {info.channels, viewHeight, viewWidth}},
      {"encoder", encoder->arch().describe()},
      {"arch", s.arch},
      // The switches as applied: a CPU may refuse one (runtime/ChannelsLast.h, runtime/Autocast.h).
      {"encoder_precision", precisionName(encoderPrecision)},
      {"generator_precision", s.source == "stream" ? precisionName(applied.generatorPrecision) : "none"},
      {"channels_last", channelsLast},
      {"generator_channels_last", s.source == "stream" && applied.generatorChannelsLast},
      {"refresh", s.source == "stream" ? s.refresh : 0.0},
      {"prefetch_threads", s.prefetchThreads},
      {"window", s.source == "stream" && s.refresh < 1 ? s.window : 0},
      {"views_per_second", viewsPerStep * steps / stepSeconds},
      {"step_ms", 1e3 * stepSeconds / steps},
      {"shares",
       {{"generate", total.generate / stepSeconds},
        {"augment", total.augment / stepSeconds},
        {"other_data", other / stepSeconds},
        // With a producer thread, generate and augment are its work, overlapped with the step;
        // the step pays views_wait (the time it waited for its views).
        {"views_wait", total.views / stepSeconds},
        {"forward", total.forward / stepSeconds},
        {"backward", total.backward / stepSeconds},
        {"optimizer", total.update / stepSeconds}}},
      {"encoder_forward_gflop_per_view", flopsPerView / 3.0 / 1e9},
      {"encoder_gflops", encoderGflops},
      {"matmul_gflops_fp32", peak},
      {"conv_gflops_fp32", convPeak},
      {"matmul_gflops_bf16", peakBf16},
      {"mean_loss", lossSum / steps},
      {"peak_rss_mib", peakMib},
  };
  fmt::print("{:.0f} views/s ({:.1f} ms/step over {} steps after {} warm-up); shares: generate {:.1f} %, augment {:.1f} %, "
             "other data {:.1f} %, forward {:.1f} %, backward {:.1f} %, optimizer {:.1f} %\n",
             result["views_per_second"].get<double>(), result["step_ms"].get<double>(), s.steps, s.warmup,
             100 * total.generate / stepSeconds, 100 * total.augment / stepSeconds, 100 * other / stepSeconds,
             100 * total.forward / stepSeconds, 100 * total.backward / stepSeconds, 100 * total.update / stepSeconds);
  fmt::print("peak resident memory {:.0f} MiB\n", result["peak_rss_mib"].get<double>());
  fmt::print("encoder {:.1f} GFLOP/s achieved in forward + backward: {:.0f} % of the fp32 matmul peak {:.0f} GFLOP/s, {:.0f} % of a "
             "large oneDNN convolution's {:.0f} GFLOP/s{}\n",
             encoderGflops, 100 * encoderGflops / peak, peak, 100 * encoderGflops / convPeak, convPeak,
             peakBf16 > 0 ? fmt::format("; bf16 matmul {:.0f} GFLOP/s", peakBf16) : std::string());
  if (!s.json.empty()) writeFileAtomic(s.json, result.dump(2) + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{"genrep's side of the pipeline benchmark: timed SimCLR steps from the generator stream or shards"};
  app.add_option("--source", s.source, "stream (the generator, gaussian latent views) or shards")
      ->check(CLI::IsMember({"stream", "shards"}));
  app.add_option("--generator", s.generator, "generator folder");
  app.add_option("--shards", s.shards, "offline dataset folder (genrep generate) for --source shards");
  app.add_option("--steps", s.steps, "measured steps")->check(CLI::PositiveNumber);
  app.add_option("--warmup", s.warmup, "steps run before measuring")->check(CLI::NonNegativeNumber);
  app.add_option("--batch", s.batch, "anchors per step (2 views each)")->check(CLI::PositiveNumber);
  app.add_option("--threads", s.threads, "LibTorch threads (0 = every core)")->check(CLI::NonNegativeNumber);
  app.add_option("--arch", s.arch, "encoder: resnet (genrep's small one), resnet18, resnet34, resnet50")
      ->check(CLI::IsMember(namesOf(encoderKinds())));
  app.add_option("--stem", s.stem, "torchvision archs: imagenet or cifar")->check(CLI::IsMember(namesOf(encoderStems())));
  app.add_option("--input-norm", s.inputNorm, "none or imagenet (RGB)")->check(CLI::IsMember(namesOf(inputNorms())));
  app.add_option("--crop-size", s.cropSize, "side of the pixel views (0 = the generator's image size)")->check(CLI::NonNegativeNumber);
  app.add_option("--encoder-precision", s.encoderPrecision, "fp32 or bf16 (autocast)")->check(CLI::IsMember(namesOf(precisionNames())));
  app.add_option("--generator-precision", s.generatorPrecision, "fp32 or bf16 (autocast)")->check(CLI::IsMember(namesOf(precisionNames())));
  app.add_flag("--channels-last", s.channelsLast, "NHWC encoder weights and views");
  app.add_flag("--generator-channels-last", s.generatorChannelsLast, "NHWC generator weights");
  app.add_option("--refresh", s.refresh, "stream: share of each batch generated afresh, the rest reused from --window")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--window", s.window, "stream with --refresh < 1: generated anchors kept for reuse")->check(CLI::PositiveNumber);
  app.add_option("--prefetch-threads", s.prefetchThreads,
                 "> 0: make step t+1's views on a producer thread with this many intra-op threads while step t trains")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--device", s.device, "cpu, cuda, cuda:N or auto");
  app.add_option("--json", s.json, "write the result here (JSON)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(s);
  } catch (const std::exception& error) {
    std::string message = error.what();
    std::fprintf(stderr, "genrep_pipeline_bench: %s\n", message.substr(0, message.find('\n')).c_str());
    return 1;
  }
}
