#include "genrep/report/ImageGrid.h"

#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <stb_image_write.h>

#include "genrep/core/AtomicFile.h"

namespace genrep {
namespace {

void appendBytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

std::vector<uint8_t> encodePng(const uint8_t* pixels, int64_t channels, int64_t height, int64_t width) {
  if (channels != 1 && channels != 3) {
    throw std::invalid_argument(fmt::format("encodePng: {} channels, expected 1 or 3", channels));
  }
  if (height <= 0 || width <= 0 || height > 1 << 15 || width > 1 << 15) {
    throw std::invalid_argument(fmt::format("encodePng: bad size {}x{}", width, height));
  }
  // PNG wants interleaved [H, W, C].
  std::vector<uint8_t> interleaved(static_cast<size_t>(channels * height * width));
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t p = 0; p < height * width; ++p) interleaved[static_cast<size_t>(p * channels + c)] = pixels[c * height * width + p];
  }
  std::vector<uint8_t> png;
  if (!stbi_write_png_to_func(appendBytes, &png, static_cast<int>(width), static_cast<int>(height),
                              static_cast<int>(channels), interleaved.data(), static_cast<int>(width * channels))) {
    throw std::runtime_error("encodePng: stb_image_write failed");
  }
  return png;
}

std::vector<uint8_t> imageGridPng(const ImageArray& images, const std::vector<int64_t>& indices, int64_t columns,
                                  const GridStyle& style) {
  if (columns <= 0 || indices.empty()) {
    throw std::invalid_argument(fmt::format("image grid: {} images in {} columns; need at least one of each", indices.size(), columns));
  }
  if (style.scale < 1 || style.padding < 0) throw std::invalid_argument("image grid: scale must be >= 1 and padding >= 0");
  const auto rows = (static_cast<int64_t>(indices.size()) + columns - 1) / columns;
  const int64_t cellH = images.height * style.scale, cellW = images.width * style.scale;
  const int64_t gridH = rows * cellH + (rows + 1) * style.padding;
  const int64_t gridW = columns * cellW + (columns + 1) * style.padding;
  const int64_t channels = images.channels;
  std::vector<uint8_t> grid(static_cast<size_t>(channels * gridH * gridW), style.background);  // [C, H, W]
  for (size_t n = 0; n < indices.size(); ++n) {
    const int64_t index = indices[n];
    if (index < 0) continue;
    if (index >= images.count) throw std::out_of_range(fmt::format("image grid: index {} outside [0, {})", index, images.count));
    const int64_t top = style.padding + (static_cast<int64_t>(n) / columns) * (cellH + style.padding);
    const int64_t left = style.padding + (static_cast<int64_t>(n) % columns) * (cellW + style.padding);
    const uint8_t* source = images.image(index);
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t y = 0; y < cellH; ++y) {
        for (int64_t x = 0; x < cellW; ++x) {
          grid[static_cast<size_t>((c * gridH + top + y) * gridW + left + x)] =
              source[(c * images.height + y / style.scale) * images.width + x / style.scale];
        }
      }
    }
  }
  return encodePng(grid.data(), channels, gridH, gridW);
}

void writeImageGrid(const std::filesystem::path& file, const ImageArray& images, const std::vector<int64_t>& indices,
                    int64_t columns, const GridStyle& style) {
  const std::vector<uint8_t> png = imageGridPng(images, indices, columns, style);
  writeFileAtomic(file, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

}  // namespace genrep
