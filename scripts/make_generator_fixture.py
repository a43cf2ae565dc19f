#!/usr/bin/env python3
"""Writes tests/fixtures/gan-*: a tiny genrep GAN and its TorchScript exports.

    /usr/bin/python3 scripts/make_generator_fixture.py

gan-native/        a genrep-gan folder (manifest.json + generator.pt) with random weights and
                   non-trivial batch-norm statistics, written from PyTorch in genrep's layout
gan-torchscript/   its export by scripts/export_gan_torchscript.py, class passed as an index
gan-onehot/        the same export taking the class one-hot
tests/gen/TorchScriptGeneratorTest.cpp checks that genrep's native GAN and the exports make the
same images and the same training run. Needs Debian's python3-torch (1.13).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from export_gan_torchscript import GanGenerator, export  # noqa: E402

root = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")
native = os.path.join(root, "gan-native")
os.makedirs(native, exist_ok=True)

arch = {"latent_dim": 8, "classes": 3, "channels": 1, "height": 8, "width": 8, "width_g": 4, "width_d": 4}
torch.manual_seed(0)
net = GanGenerator(arch)
with torch.no_grad():
    for bn in (net.bn1, net.bn2, net.bn3):
        bn.gain.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.3, 0.3)
        bn.norm.running_mean.uniform_(-0.2, 0.2)
        bn.norm.running_var.uniform_(0.5, 2.0)
net.eval()
torch.jit.save(torch.jit.script(net), os.path.join(native, "generator.pt"))
manifest = {
    "format": "genrep-generator",
    "version": 1,
    "kind": "genrep-gan",
    "weights": "generator.pt",
    "latent_dim": arch["latent_dim"],
    "classes": arch["classes"],
    "image_shape": [arch["channels"], arch["height"], arch["width"]],
    "output_range": [-1.0, 1.0],
    "architecture": arch,
    "training": {"note": "random weights written by scripts/make_generator_fixture.py"},
}
with open(os.path.join(native, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")

export(native, os.path.join(root, "gan-torchscript"), "index")
export(native, os.path.join(root, "gan-onehot"), "one-hot")
print("wrote", native, "gan-torchscript", "gan-onehot")
