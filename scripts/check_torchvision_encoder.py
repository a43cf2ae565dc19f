#!/usr/bin/env python3
"""Load a genrep encoder of torchvision's layout into torchvision and compare features (a dev
tool and test helper; genrep itself never runs Python).

    python3 scripts/check_torchvision_encoder.py ENCODER_FOLDER INPUT.pt FEATURES.pt

ENCODER_FOLDER is genrep's encoder folder (encoder.json with "type": resnet18/34/50, encoder.pt).
INPUT.pt and FEATURES.pt are tensors genrep pickled: an input batch [B, C, H, W] and genrep's
eval-mode features of it [B, F]. The script builds torchvision.models.<type>() (with the CIFAR stem
or another channel count where the encoder has them), loads encoder.pt
with strict=False, requires that only fc.weight and fc.bias are missing and nothing is
unexpected, replaces fc by the identity, and prints the largest absolute difference between
torchvision's features and genrep's. Exit status 0 when it is below 1e-5, 1 otherwise.
"""
import json
import sys

import torch
import torchvision

from load_encoder import load_genrep  # scripts/: genrep's files through the safe loader


def main(folder, input_file, features_file):
    arch = json.load(open(f"{folder}/encoder.json"))["architecture"]
    model = getattr(torchvision.models, arch["type"])()
    state = load_genrep(f"{folder}/encoder.pt")
    if arch["stem"] == "cifar":  # the small-image stem, as solo-learn makes it: 3x3 stride 1, no max-pool
        model.conv1 = torch.nn.Conv2d(arch["channels"], 64, 3, 1, 1, bias=False)
        model.maxpool = torch.nn.Identity()
    elif arch["channels"] != 3:  # torchvision's stem takes RGB: give it genrep's channel count
        model.conv1 = torch.nn.Conv2d(arch["channels"], 64, 7, 2, 3, bias=False)
    result = model.load_state_dict(state, strict=False)
    missing, unexpected = sorted(result.missing_keys), sorted(result.unexpected_keys)
    print(f"{arch['type']}: {len(state)} tensors loaded; missing {missing}; unexpected {unexpected}")
    if missing != ["fc.bias", "fc.weight"] or unexpected:
        print("FAIL: the backbone's names differ from torchvision's")
        return 1
    model.fc = torch.nn.Identity()
    model.eval()
    x = load_genrep(input_file)
    if arch.get("input_norm") == "imagenet":  # genrep normalises inside its encoder; torchvision's caller does
        mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
        std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
        x = ((x + 1) / 2 - mean) / std
    expected = load_genrep(features_file)
    with torch.no_grad():
        got = model(x)
    error = (got - expected).abs().max().item()
    print(f"max |torchvision - genrep| = {error:.3g} over features {list(got.shape)}")
    return 0 if error < 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
