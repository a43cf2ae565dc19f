#include "genrep/runtime/ChannelsLast.h"

namespace genrep {

void useChannelsLast(torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  // set_data keeps each parameter the same tensor object, so optimisers built before or
  // after this call hold the converted ones.
  for (torch::Tensor& p : module.parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
  for (torch::Tensor& b : module.buffers()) {
    if (b.dim() == 4) b.set_data(b.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

torch::Tensor toChannelsLast(const torch::Tensor& images) {
  return images.dim() == 4 ? images.contiguous(torch::MemoryFormat::ChannelsLast) : images;
}

}  // namespace genrep
