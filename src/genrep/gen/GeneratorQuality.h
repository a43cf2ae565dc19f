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

nlohmann::json measureGeneratorQuality(Generator& generator, const RealDataset& dataset, QualityClassifier& classifier,
                                       const QualityOptions& options);

}  // namespace genrep
