#pragma once
// The bridge between ImageArray (uint8, plain C++) and LibTorch tensors.
//
//   torch::Tensor x = imagesToTensor(dataset.train);        // [N, C, H, W] float in [-1, 1]
//   ImageArray sheet = tensorToImages(generated, labels);    // back to uint8 for a PNG grid
#include <torch/torch.h>

#include "genrep/data/ImageArray.h"

namespace genrep {

// [N, C, H, W] float32 in [-1, 1] (x / 127.5 - 1), a copy.
torch::Tensor imagesToTensor(const ImageArray& images);
// [N] int64 labels.
torch::Tensor labelsToTensor(const ImageArray& images);

// images [N, C, H, W] float in [-1, 1] (clamped) -> uint8; labels [N] int64 or undefined (-1).
ImageArray tensorToImages(const torch::Tensor& images, const torch::Tensor& labels = {});

}  // namespace genrep
