#include "genrep/learn/EncoderStep.h"

#include "genrep/dist/SyncBatchNorm.h"
#include "genrep/runtime/ChannelsLast.h"

namespace genrep {

EncoderStep::EncoderStep(ResNetEncoder& encoder, Objective& objective, const EncoderTrainingOptions& options,
                         std::shared_ptr<DataParallel> ranks)
    : encoder_(encoder), objective_(objective), ranks_(ranks ? std::move(ranks) : DataParallel::single()) {
  objective_.setDataParallel(ranks_);
  synchroniseBatchNorm(*encoder_, options.syncBatchNorm ? ranks_ : nullptr);
  channelsLast_ = options.channelsLast && applyChannelsLast(*encoder_, "learn.channels_last");
  precision_ = usablePrecision(options.precision, encoder_->parameters().front().device(), "learn.precision");
  parameters_ = encoder_->parameters();
  for (const torch::Tensor& p : objective_.parameters()) parameters_.push_back(p);
  optimizer_ = std::make_unique<torch::optim::SGD>(
      parameters_, torch::optim::SGDOptions(options.lr()).momentum(options.momentum).weight_decay(options.weightDecay));
  encoder_->train();
  objective_.train();
}

torch::Tensor EncoderStep::loss(const ViewBatch& batch) {
  AutocastScope autocast(precision_, batch.views.device());
  // NCHW views for an NCHW encoder even when the source made NHWC ones: LibTorch takes the
  // channels_last kernels when either the input or the weights are in that layout.
  const torch::Tensor views = channelsLast_ ? toChannelsLast(batch.views) : batch.views.contiguous();
  return objective_.loss(encoder_->forward(views), batch);
}

void EncoderStep::backward(const torch::Tensor& loss) {
  optimizer_->zero_grad();
  loss.backward();
  ranks_->averageGradients(parameters_);
}

void EncoderStep::apply() { optimizer_->step(); }

void EncoderStep::setLr(double lr) {
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
}

}  // namespace genrep
