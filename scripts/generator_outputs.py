#!/usr/bin/env python3
"""A genrep GAN's images for fixed latents, to compare what two PyTorch versions compute from
the same weights (a dev tool: the shipped generators on Debian's PyTorch 1.13 against the
venv's 2.x, docs/benchmark.md "PyTorch 2.11 against 1.13").

    /usr/bin/python3 scripts/generator_outputs.py models/fashion-mnist-cgan /tmp/cgan-1.13.pt
    .venv/bin/python scripts/generator_outputs.py models/fashion-mnist-cgan /tmp/cgan-2.11.pt
    .venv/bin/python scripts/generator_outputs.py --compare /tmp/cgan-1.13.pt /tmp/cgan-2.11.pt

The latents are drawn with numpy (the same on both sides), 256 of them, classes in turn; the
network is scripts/export_gan_torchscript.py's PyTorch rebuild with genrep's weights, in eval
mode, float32 on the CPU with the given threads.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_gan_torchscript import load_genrep_gan  # noqa: E402


def outputs(folder, count, threads):
    torch.set_num_threads(threads)
    net, manifest = load_genrep_gan(folder)
    classes = max(manifest["architecture"]["classes"], 1)
    z = torch.from_numpy(np.random.default_rng(0).standard_normal((count, manifest["latent_dim"])).astype(np.float32))
    y = torch.arange(count) % classes
    with torch.no_grad():
        images = net(z, y)
    return {"images": images, "torch": str(torch.__version__)}


def compare(a_file, b_file):
    a, b = torch.load(a_file), torch.load(b_file)
    diff = (a["images"] - b["images"]).abs()
    print(f"{a['torch']} vs {b['torch']}: {a['images'].shape[0]} images, max |difference| {diff.max().item():.3g}, "
          f"mean {diff.mean().item():.3g} (output range [-1, 1])")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs=2, help="GENERATOR OUT.pt, or with --compare two such outputs")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--count", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.compare:
        compare(*args.paths)
    else:
        torch.save(outputs(args.paths[0], args.count, args.threads), args.paths[1])
        print(f"wrote {args.paths[1]}")
