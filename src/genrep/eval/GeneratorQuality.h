#pragma once
// Generator quality on real data (docs/gan.md, "Generator quality"), reported next to every result:
//   class consistency  accuracy of the real-data classifier on conditional samples
//                      against their conditioning labels
//   Fréchet distance   between classifier features of real test images and of generated
//                      images, beside the real-train vs real-test distance as a floor
//   TSTR               train a classifier on generated images, test it on real test images
//   precision, recall  improved precision and recall in the same features (gen/PrecisionRecall.h)
//   class coverage     how evenly the samples spread over the real classes, by the classifier's
//                      predictions: exp(entropy) / K, and the rarest class's share of a uniform one
// The last two need no conditioning labels: they are an unconditional generator's coverage.
//   neighbour class change  per gaussian σ, how often a latent view's image is put in another
//                      class than its anchor's (the far end: independent latents)
//
//   QualityClassifier c = loadOrTrainQualityClassifier(dataset, options);
//   nlohmann::json report = measureGeneratorQuality(generator, dataset, c, options);
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "genrep/data/RealDataset.h"
#include "genrep/gen/Generator.h"
#include "genrep/gen/QualityClassifier.h"

namespace genrep {

// `count` images [count, C, H, W] with balanced labels (i % classes) written to `labels`
// (undefined for an unconditional generator); no gradients; batched.
torch::Tensor generateImages(Generator& generator, int64_t count, double truncation, torch::Generator& rng,
                             torch::Tensor& labels);

double classConsistency(Generator& generator, QualityClassifierNet& classifier, int64_t samples, double truncation,
                        uint64_t seed);

// The Fréchet distance of `samples` images (latents drawn from `seed` itself) to the given real
// features [N, 128] of the same classifier: gan train's probe of an unconditional GAN.
double frechetDistanceToReal(Generator& generator, QualityClassifierNet& classifier, const torch::Tensor& realFeatures,
                             int64_t samples, double truncation, uint64_t seed);

// How often a gaussian latent view shows another class than its anchor: per σ, the share of
// `pairs` (anchor, neighbour) pairs, drawn as views.latent=gaussian draws them (views/LatentView.h),
// whose two images the real-data classifier puts in different classes, with its binomial
// standard error; the far end is the same share for independent latents (of the anchor's class
// on a conditional generator). Every σ moves the same anchors along the same directions, so
// the shares differ by σ only, not by a new draw. The classifier's own errors count as changes
// too; the independent share says how far from "always" that leaves.
nlohmann::json neighbourClassChange(Generator& generator, QualityClassifierNet& classifier, const std::vector<double>& sigmas,
                                    int64_t pairs, double truncation, uint64_t seed);

nlohmann::json measureGeneratorQuality(Generator& generator, const RealDataset& dataset, QualityClassifier& classifier,
                                       const QualityOptions& options);

}  // namespace genrep
