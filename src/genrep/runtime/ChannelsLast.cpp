#include "genrep/runtime/ChannelsLast.h"

namespace genrep {

void useChannelsLast(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard noGrad;
  // set_data keeps each tensor the same object, so optimisers built before or after this
  // call hold the converted ones.
  for (torch::Tensor tensor : tensors) {
    if (tensor.dim() == 4) tensor.set_data(tensor.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

void useChannelsLast(torch::nn::Module& module) {
  useChannelsLast(module.parameters());
  useChannelsLast(module.buffers());
}

torch::Tensor toChannelsLast(const torch::Tensor& images) {
  return images.dim() == 4 ? images.contiguous(torch::MemoryFormat::ChannelsLast) : images;
}

}  // namespace genrep
