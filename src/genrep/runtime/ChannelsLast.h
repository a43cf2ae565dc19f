#pragma once
// The channels_last (NHWC) memory layout, which oneDNN's convolutions prefer on some CPUs and
// cuDNN's tensor cores on GPUs. Values and names are unchanged, only the strides differ: a
// model switched over computes the same function (to float rounding).
//
//   useChannelsLast(*encoder);                     // 4-D parameters and buffers
//   torch::Tensor x = toChannelsLast(views);       // [B, C, H, W], NHWC strides
#include <vector>

#include <torch/torch.h>

namespace genrep {

void useChannelsLast(torch::nn::Module& module);
// The 4-D ones among `tensors`, in place (the same tensor objects afterwards).
void useChannelsLast(const std::vector<torch::Tensor>& tensors);
torch::Tensor toChannelsLast(const torch::Tensor& images);  // 4-D; other tensors unchanged

}  // namespace genrep
