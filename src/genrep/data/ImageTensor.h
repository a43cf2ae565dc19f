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

// The one pixel quantisation genrep uses: bytes 0..255 <-> floats in [-1, 1], on the tensor's
// own device. unitToBytes clamps, so a generator's rounding slop never wraps around.
torch::Tensor bytesToUnit(const torch::Tensor& bytes);   // uint8 -> float [-1, 1]
torch::Tensor unitToBytes(const torch::Tensor& images);  // float -> uint8

// images [N, C, H, W] float in [-1, 1] (clamped) -> uint8; labels [N] int64 or undefined (-1).
ImageArray tensorToImages(const torch::Tensor& images, const torch::Tensor& labels = {});

}  // namespace genrep
