#include "genrep/eval/KnnMonitor.h"

#include <stdexcept>

#include "genrep/core/Random.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/eval/FeatureSet.h"
#include "genrep/eval/KnnProbe.h"

namespace genrep {

KnnMonitor::KnnMonitor(const RealDataset& dataset, const KnnMonitorOptions& options) : options_(options) {
  if (dataset.classNames.empty()) throw std::invalid_argument("learn.monitor_every: the online kNN monitor needs a labelled dataset");
  if (dataset.split.held.empty()) {
    throw std::invalid_argument("learn.monitor_every: the online kNN monitor needs a validation split; set data.val_fraction > 0");
  }
  classes_ = static_cast<int64_t>(dataset.classNames.size());
  const ImageArray bank = seededSubset(dataset.train.select(dataset.split.kept), options.bankImages, deriveSeed(options.seed, "monitor.bank"));
  const ImageArray queries = seededSubset(dataset.train.select(dataset.split.held), options.queryImages, deriveSeed(options.seed, "monitor.queries"));
  bank_ = resizeAndCentreCrop(imagesToTensor(bank), options.inputSize);
  bankLabels_ = labelsToTensor(bank);
  queries_ = resizeAndCentreCrop(imagesToTensor(queries), options.inputSize);
  queryLabels_ = labelsToTensor(queries);
}

double KnnMonitor::accuracy(ResNetEncoder& encoder) {
  const bool training = encoder->is_training();
  const torch::Device device = encoder->parameters().front().device();
  const torch::Tensor bank = encodeImages(encoder, bank_, options_.batch, device);
  const torch::Tensor queries = encodeImages(encoder, queries_, options_.batch, device);
  encoder->train(training);
  return knnAccuracy(bank, bankLabels_, queries, queryLabels_, classes_, options_.k, options_.temperature);
}

}  // namespace genrep
