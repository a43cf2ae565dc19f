#pragma once
// One training step of an encoder and its objective, as every encoder trains: the views in the
// layout and precision this CPU allows (learn.channels_last, learn.precision), the objective's
// loss, then the gradients (averaged over data-parallel ranks) and SGD with momentum. The
// trainer (learn/EncoderTrainer.cpp) runs it inside the training loop with its schedule, and the
// pipeline bench (bench/PipelineBench.cpp) times its parts; both run exactly this.
//
//   EncoderStep step(encoder, objective, options);   // options: EncoderTrainingOptions
//   step.setLr(schedule.at(t));
//   torch::Tensor loss = step.loss(source.batch(t, options.batch));
//   step.backward(loss);
//   step.apply();
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "genrep/dist/DataParallel.h"
#include "genrep/learn/EncoderTrainer.h"
#include "genrep/learn/Objective.h"
#include "genrep/learn/ResNetEncoder.h"
#include "genrep/runtime/Autocast.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

class EncoderStep {
 public:
  // Applies the speed switches the CPU allows (each refusal is one warning naming the learn.*
  // key), makes the optimiser at options.lr() and puts the encoder and objective in training mode.
  // `ranks`: this process's data-parallel rank (null: one process).
  EncoderStep(ResNetEncoder& encoder, Objective& objective, const EncoderTrainingOptions& options,
              std::shared_ptr<DataParallel> ranks = nullptr);

  // The objective's loss on the batch's views (a scalar that keeps its graph).
  torch::Tensor loss(const ViewBatch& batch);
  // The gradients of `loss`, averaged over the ranks.
  void backward(const torch::Tensor& loss);
  // The SGD update from the gradients.
  void apply();
  void setLr(double lr);

  bool channelsLast() const { return channelsLast_; }
  Precision precision() const { return precision_; }
  const std::vector<torch::Tensor>& parameters() const { return parameters_; }
  torch::optim::SGD& optimizer() { return *optimizer_; }

 private:
  ResNetEncoder& encoder_;
  Objective& objective_;
  std::shared_ptr<DataParallel> ranks_;
  bool channelsLast_ = false;
  Precision precision_ = Precision::Float32;
  std::vector<torch::Tensor> parameters_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
};

}  // namespace genrep
