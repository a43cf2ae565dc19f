#!/usr/bin/env python3
"""The generators of the pipeline benchmark's grid (bench/pipeline.sh grid): genrep GAN folders
with random weights at the grid's image sizes, the shipped generator's architecture and width.

    .venv/bin/python bench/make_bench_generators.py bench-out/generators   # writes grey32/ rgb64/ rgb128/

A generator's cost does not depend on its weights, so untrained ones time the same work as
trained ones: G width 64, latent 64, 10 classes, as models/fashion-mnist-cgan (its forward pass
at 128 px RGB is 4.8 GFLOP an image, more than ResNet-50's 2.2 at 112 px: BigGAN-size work).
genrep loads them natively and bench/reference_pipeline.py rebuilds them in PyTorch with the
same weights (scripts/export_gan_torchscript.py). Runs on the project's PyTorch (.venv).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from export_gan_torchscript import write_random_genrep_gan  # noqa: E402

SHAPES = {"grey32": (1, 32), "rgb64": (3, 64), "rgb128": (3, 128)}


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for name, (channels, side) in SHAPES.items():
        folder = os.path.join(sys.argv[1], name)
        if os.path.exists(os.path.join(folder, "manifest.json")):
            continue
        arch = {"latent_dim": 64, "classes": 10, "channels": channels, "height": side, "width": side, "width_g": 64, "width_d": 32}
        write_random_genrep_gan(folder, arch, "random weights written by bench/make_bench_generators.py (cost benchmark)")
        print("wrote", folder)


if __name__ == "__main__":
    main()
