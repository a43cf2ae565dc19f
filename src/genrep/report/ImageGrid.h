#pragma once
// Image grids as PNG (stb_image_write), for sample sheets and view panels.
//
//   // one row per class, 8 images each, shown twice their size:
//   std::vector<uint8_t> png = imageGridPng(images, indices, /*columns=*/8, {2, 2});
//   writeImageGrid(runDir / "samples.png", images, indices, 8);   // atomic
#include <cstdint>
#include <filesystem>
#include <vector>

#include "genrep/data/ImageArray.h"

namespace genrep {

struct GridStyle {
  int64_t scale = 1;         // nearest-neighbour magnification of every image
  int64_t padding = 2;       // pixels between images and around the grid
  uint8_t background = 255;  // padding colour (grey level)
};

// PNG bytes of one planar image; pixels [C, H, W] uint8 with C = 1 or 3.
std::vector<uint8_t> encodePng(const uint8_t* pixels, int64_t channels, int64_t height, int64_t width);

// The images at `indices` (-1 leaves a cell empty), row-major, `columns` per row.
std::vector<uint8_t> imageGridPng(const ImageArray& images, const std::vector<int64_t>& indices, int64_t columns,
                                  const GridStyle& style = {});

void writeImageGrid(const std::filesystem::path& file, const ImageArray& images, const std::vector<int64_t>& indices,
                    int64_t columns, const GridStyle& style = {});

}  // namespace genrep
