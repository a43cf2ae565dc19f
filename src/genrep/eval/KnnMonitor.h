#pragma once
// The online monitor (learn.monitor_every): kNN top-1 of the encoder being trained, on a fixed
// subset of the validation split against a bank from a fixed subset of the fit split (train
// minus validation), so that curves show learning over updates and a stalled run is seen while
// it runs (what solo-learn's and lightly's online kNN callbacks are for). The subsets are drawn
// once; each measurement encodes them afresh with the current weights. It never touches the
// test split, draws nothing from the training streams and changes no weight or statistic
// (eval mode, no gradients), so a run with the monitor trains exactly as one without.
//
//   KnnMonitor monitor(dataset, KnnMonitorOptions{});
//   double top1 = monitor.accuracy(encoder);   // the encoder is back in train mode after
#include <cstdint>

#include <torch/torch.h>

#include "genrep/data/RealDataset.h"
#include "genrep/learn/ResNetEncoder.h"

namespace genrep {

struct KnnMonitorOptions {
  int64_t bankImages = 5000;   // from the fit split
  int64_t queryImages = 1000;  // from the validation split
  int64_t k = 200;
  double temperature = 0.1;
  int64_t batch = 500;
  uint64_t seed = 0;  // draws the two subsets (data.split_seed's role: fixed across methods)
  int64_t inputSize = 0;  // the encoder's training crop (views.crop_size): eval/FeatureSet.h's resize
};

class KnnMonitor {
 public:
  // Throws std::invalid_argument when the dataset has no labels or no validation split.
  KnnMonitor(const RealDataset& dataset, const KnnMonitorOptions& options);

  double accuracy(ResNetEncoder& encoder);

  int64_t bankImages() const { return bank_.size(0); }
  int64_t queryImages() const { return queries_.size(0); }

 private:
  KnnMonitorOptions options_;
  int64_t classes_ = 0;
  torch::Tensor bank_, bankLabels_;        // [Nb, C, H, W] in [-1, 1], [Nb]
  torch::Tensor queries_, queryLabels_;    // [Nq, C, H, W], [Nq]
};

}  // namespace genrep
