#pragma once
// Where training views come from, as one options struct, and the one place that builds the
// source it describes:
//   generator   generated anchors and their latent + pixel views (GeneratorViewSource)
//   real        the real training split's images with pixel views (RealViewSource)
//   mix         each anchor generated with probability `share`, else real (MixedViewSource)
//   shards      an offline dataset written by `genrep generate` (ShardViewSource)
// refresh < 1 reuses part of each batch's generated anchors from a window (RefreshedViewSource);
// prefetchThreads > 0 makes step t+1's views on a producer thread during step t
// (PrefetchedViewSource), around any of them.
//
//   ViewSourceOptions options;  options.generator.latent.kind = LatentViewKind::Gaussian;
//   std::unique_ptr<ViewSource> s = makeViewSource(options, generator, &dataset, device);
//   // from a config: settings/ViewKeys.h
#include <cstdint>
#include <filesystem>
#include <memory>

#include "genrep/core/NameTable.h"
#include "genrep/data/RealDataset.h"
#include "genrep/gen/Generator.h"
#include "genrep/views/GeneratorViewSource.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

enum class SourceKind { Generator = 0, Real = 1, Mix = 2, Shards = 3 };

// The one list of source kinds with their names: source.kind's choices and parsing.
const NameTable<SourceKind>& sourceKinds();
inline bool needsGenerator(SourceKind kind) { return kind == SourceKind::Generator || kind == SourceKind::Mix; }
inline bool needsDataset(SourceKind kind) { return kind == SourceKind::Real || kind == SourceKind::Mix; }

struct ViewSourceOptions {
  SourceKind kind = SourceKind::Generator;
  double share = 0.5;                // mix: probability that an anchor is synthetic
  std::filesystem::path shards;      // shards: the folder written by `genrep generate`
  double refresh = 1.0;              // generator: share of anchors generated afresh per batch
  int64_t window = 4096;             // refresh < 1: recent generated anchors kept for reuse
  int64_t prefetchThreads = 0;       // 0: views made in the trainer's thread; P: a producer thread with P intra-op threads
  GeneratorViewOptions generator;    // latent and pixel views, views per anchor, pool, anchors
  uint64_t seed = 0;                 // run seed; each rank's streams use rankSeed(seed, rank)

  bool needsGenerator() const { return genrep::needsGenerator(kind); }
  // Throws std::invalid_argument naming the key of an impossible value, before any source is
  // made (a run refused here writes nothing); makeViewSource calls it.
  void validate() const;
  bool needsDataset() const { return genrep::needsDataset(kind); }
};

// `generator` may be null unless options.needsGenerator(), `dataset` unless
// options.needsDataset(). `rank`: the data-parallel rank whose share of each batch the source
// makes. Throws std::invalid_argument naming the source.* key on a missing part.
std::unique_ptr<ViewSource> makeViewSource(const ViewSourceOptions& options, std::shared_ptr<Generator> generator,
                                           const RealDataset* dataset, const torch::Device& device, int rank = 0);

}  // namespace genrep
