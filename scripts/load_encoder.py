#!/usr/bin/env python3
"""Load a genrep encoder in PyTorch (a dev tool; genrep itself never runs Python).

    python3 scripts/load_encoder.py runs/demo/seed-0/simclr-gaussian/encoder

Rebuilds the ResNet of encoder.json as a torch.nn.Module with genrep's parameter names, loads
encoder.pt (a pickled {name: tensor} dict) with strict=True, and prints the feature shape for a
few Fashion-MNIST test images. Inputs are [B, C, H, W] floats with pixels mapped to [-1, 1].
"""
import gzip
import json
import sys

import numpy as np
import torch
import torch.jit._pickle  # restore_type_tag, the one global genrep's files name
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return torch.relu(h + (self.shortcut(x) if len(self.shortcut) else x))


def genrep_resnet(arch):
    width, layers = arch["width"], []
    layers += [nn.Conv2d(arch["channels"], width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
    cin = width
    for stage in range(arch["stages"]):
        cout = width << stage
        for block in range(arch["blocks"]):
            layers.append(BasicBlock(cin, cout, 2 if stage > 0 and block == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    model = nn.Module()
    model.body = nn.Sequential(*layers)
    model.forward = lambda x: model.body(x)
    return model


def load_genrep(path):
    """A tensor or a dict of tensors written by genrep (torch::pickle_save), through PyTorch's
    safe loader (weights_only, torch.load's default since 2.6). Such files name one global,
    the type tag of a typed container, which is allowed here and nothing else."""
    with torch.serialization.safe_globals([torch.jit._pickle.restore_type_tag]):
        return torch.load(path, weights_only=True)


def main(folder):
    manifest = json.load(open(f"{folder}/encoder.json"))
    model = genrep_resnet(manifest["architecture"])
    state = load_genrep(f"{folder}/encoder.pt")
    model.load_state_dict(state, strict=True)
    model.eval()
    with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:8]
    x = torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0)
    with torch.no_grad():
        features = model.body(x)
    print(f"loaded {len(state)} tensors strictly; features {tuple(features.shape)}; first row {features[0, :4].tolist()}")


if __name__ == "__main__":
    main(sys.argv[1])
