#!/usr/bin/env python3
"""Apply torchvision's functional transforms with genrep's drawn parameters and compare (a dev
tool and test helper; genrep itself never runs Python).

    python3 scripts/check_torchvision_views.py FOLDER

FOLDER holds tensors genrep pickled (tests/views/PixelViewTorchvisionTest.cpp): images [B, 3, H, W]
in [-1, 1]; the drawn parameters (crop boxes, flips, the four jitter factors, the jitter order,
greyscale); the crop size; and genrep's views in three parts: `geometry` (crop, resize, flip;
no colour), `colour` (the colour operations on the whole images) and `full`. For each part the
script builds torchvision's result image by image (resized_crop with bilinear interpolation,
hflip, adjust_brightness / contrast / saturation / hue in the drawn order, rgb_to_grayscale) and
prints the largest and the mean absolute difference in [0, 1] pixel units, as JSON on one line.
"""
import json
import sys

import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

from load_encoder import load_genrep  # scripts/: genrep's files through the safe loader


def load(folder, name):
    return load_genrep(f"{folder}/{name}.pt")


def main(folder):
    x = (load(folder, "images") + 1) / 2
    left, top, width, height = (load(folder, n) for n in ("crop_left", "crop_top", "crop_width", "crop_height"))
    flip, grey, order = load(folder, "flip"), load(folder, "grey"), load(folder, "order")
    factors = [load(folder, n) for n in ("brightness", "contrast", "saturation", "hue")]
    size = int(load(folder, "crop_size").item())
    ops = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]

    def geometry(i):
        img = F.resized_crop(x[i], int(top[i]), int(left[i]), int(height[i]), int(width[i]), [size, size],
                             interpolation=InterpolationMode.BILINEAR, antialias=False)
        return F.hflip(img) if flip[i] > 0 else img

    def colour(img, i):
        for op in order[i].tolist():
            img = ops[op](img, float(factors[op][i]))
        return F.rgb_to_grayscale(img, num_output_channels=3) if grey[i] > 0 else img

    references = {
        "geometry": torch.stack([geometry(i) for i in range(x.shape[0])]),
        "colour": torch.stack([colour(x[i], i) for i in range(x.shape[0])]),
        "full": torch.stack([colour(geometry(i), i) for i in range(x.shape[0])]),
    }
    result = {}
    for part, expected in references.items():
        got = (load(folder, part) + 1) / 2
        diff = (got - expected).abs()
        result[part] = {"max": diff.max().item(), "mean": diff.mean().item()}
        if part == "geometry":  # away from the crop's border rows and columns
            result["geometry_interior"] = {"max": diff[:, :, 2:-2, 2:-2].max().item()}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
