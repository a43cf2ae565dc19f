#include "genrep/views/ViewSourceOptions.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/dist/DataParallel.h"
#include "genrep/views/MixedViewSource.h"
#include "genrep/views/PrefetchedViewSource.h"
#include "genrep/views/RealViewSource.h"
#include "genrep/views/RefreshedViewSource.h"
#include "genrep/views/ShardViewSource.h"

namespace genrep {

const NameTable<SourceKind>& sourceKinds() {
  static const NameTable<SourceKind> table = {
      {SourceKind::Generator, "generator"}, {SourceKind::Real, "real"}, {SourceKind::Mix, "mix"}, {SourceKind::Shards, "shards"}};
  return table;
}

namespace {

std::unique_ptr<ViewSource> makeUnprefetchedViewSource(const ViewSourceOptions& options, std::shared_ptr<Generator> generator,
                                                       const RealDataset* dataset, const torch::Device& device, int rank) {
  const std::string* name = nameOf(sourceKinds(), options.kind);
  if (!name) throw std::invalid_argument("source.kind: unknown source (" + joinedNames(sourceKinds()) + ")");
  const std::string kind = *name;
  const uint64_t seed = rankSeed(options.seed, rank);
  const GeneratorViewOptions& views = options.generator;
  const auto real = [&] {
    if (!dataset) throw std::invalid_argument("source.kind=" + kind + " needs a real dataset (data.*)");
    return std::make_unique<RealViewSource>(dataset->train.select(dataset->split.kept), static_cast<int64_t>(dataset->classNames.size()),
                                            views.pixel, views.viewsPerAnchor, seed, device);
  };
  const auto generated = [&] {
    if (!generator) throw std::invalid_argument("source.kind=" + kind + " needs a generator (gen.path)");
    GeneratorViewOptions rankViews = views;
    rankViews.seed = seed;
    return std::make_unique<GeneratorViewSource>(generator, rankViews, device);
  };
  switch (options.kind) {
    case SourceKind::Generator:
      // refresh applies to the generator source alone (like the latent views, other sources
      // ignore it), so one override can serve every row of the demo.
      if (options.refresh == 1.0) return generated();
      return std::make_unique<RefreshedViewSource>(generated(), options.refresh, options.window);
    case SourceKind::Shards:
      if (options.shards.empty()) {
        throw std::invalid_argument("source.kind=shards needs source.path (a folder written by `genrep generate`)");
      }
      return std::make_unique<ShardViewSource>(loadOfflineDataset(options.shards), views.pixel, views.viewsPerAnchor, seed, device);
    case SourceKind::Real:
      return real();
    case SourceKind::Mix: {
      auto g = generated();
      auto r = real();
      const GeneratorInfo& info = generator->info();
      if (info.channels != dataset->train.channels || info.height != dataset->train.height || info.width != dataset->train.width) {
        throw std::invalid_argument("source.kind=mix: the generator's images and the dataset's differ in shape");
      }
      return std::make_unique<MixedViewSource>(std::move(g), std::move(r), options.share, seed);
    }
  }
  throw std::logic_error("makeViewSource: a source kind without a branch");
}

}  // namespace

void ViewSourceOptions::validate() const {
  MixedViewSource::checkShare(share);
  RefreshedViewSource::checkSettings(refresh, window);
  if (prefetchThreads < 0) {
    throw std::invalid_argument(
        fmt::format("views.prefetch_threads is {}; use 0 (views made in the training thread) or a thread count >= 1", prefetchThreads));
  }
  generator.validate();
}

std::unique_ptr<ViewSource> makeViewSource(const ViewSourceOptions& options, std::shared_ptr<Generator> generator,
                                           const RealDataset* dataset, const torch::Device& device, int rank) {
  options.validate();
  std::unique_ptr<ViewSource> source = makeUnprefetchedViewSource(options, std::move(generator), dataset, device, rank);
  if (options.prefetchThreads == 0) return source;
  return std::make_unique<PrefetchedViewSource>(std::move(source), static_cast<int>(options.prefetchThreads));
}

}  // namespace genrep
