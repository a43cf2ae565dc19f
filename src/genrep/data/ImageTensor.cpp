#include "genrep/data/ImageTensor.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {

torch::Tensor imagesToTensor(const ImageArray& images) {
  // from_blob does not own the memory: convert (which copies) before returning.
  const torch::Tensor raw = torch::from_blob(const_cast<uint8_t*>(images.pixels.data()),
                                             {images.count, images.channels, images.height, images.width}, torch::kUInt8);
  return bytesToUnit(raw);
}

torch::Tensor bytesToUnit(const torch::Tensor& bytes) { return bytes.to(torch::kFloat32).div_(127.5).sub_(1.0); }

torch::Tensor unitToBytes(const torch::Tensor& images) {
  return images.clamp(-1, 1).add(1).mul(127.5).round().to(torch::kUInt8);
}

torch::Tensor labelsToTensor(const ImageArray& images) {
  return torch::tensor(images.labels, torch::kInt64);
}

ImageArray tensorToImages(const torch::Tensor& images, const torch::Tensor& labels) {
  if (images.dim() != 4) {
    throw std::invalid_argument(fmt::format("tensorToImages: expected [N, C, H, W], got {} dimensions", images.dim()));
  }
  const torch::Tensor bytes = unitToBytes(images.detach().to(torch::kCPU, torch::kFloat32)).contiguous();
  ImageArray out;
  out.count = bytes.size(0);
  out.channels = bytes.size(1);
  out.height = bytes.size(2);
  out.width = bytes.size(3);
  out.pixels.resize(static_cast<size_t>(bytes.numel()));
  std::memcpy(out.pixels.data(), bytes.data_ptr<uint8_t>(), out.pixels.size());
  out.labels.assign(static_cast<size_t>(out.count), -1);
  if (labels.defined()) {
    const torch::Tensor l = labels.to(torch::kCPU, torch::kInt64).contiguous();
    std::memcpy(out.labels.data(), l.data_ptr<int64_t>(), sizeof(int64_t) * out.labels.size());
  }
  return out;
}

}  // namespace genrep
