#!/usr/bin/env python3
"""Writes tests/fixtures/encoder-pytorch: a small genrep-layout ResNet built and run by PyTorch.

    python3 scripts/make_encoder_fixture.py

encoder.json + encoder.pt are what genrep's loadEncoder reads; io.pt holds the inputs [4, 1, 8, 8]
and PyTorch's eval-mode features, so tests/learn/EncoderPyTorchTest.cpp checks genrep's forward
pass (and its reading of torch.save files) against PyTorch. Runs on the project's PyTorch (.venv);
the stored fixture was written by PyTorch 1.13 and still loads.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from load_encoder import genrep_resnet  # noqa: E402

out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "encoder-pytorch")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
arch = {"type": "resnet", "channels": 1, "stages": 2, "blocks": 1, "width": 4, "feature_dim": 8}
model = genrep_resnet(arch)
# Non-trivial batch-norm statistics, so eval mode is really exercised.
for module in model.modules():
    if isinstance(module, torch.nn.BatchNorm2d):
        module.running_mean.uniform_(-0.5, 0.5)
        module.running_var.uniform_(0.5, 2.0)
        module.weight.data.uniform_(0.5, 1.5)
        module.bias.data.uniform_(-0.2, 0.2)
model.eval()
x = torch.rand(4, 1, 8, 8) * 2 - 1
with torch.no_grad():
    y = model.body(x)
torch.save(dict(model.state_dict()), os.path.join(out, "encoder.pt"))
torch.save({"input": x, "features": y}, os.path.join(out, "io.pt"))
manifest = {"format": "genrep-encoder", "version": 1, "architecture": arch, "weights": "encoder.pt",
            "training": {"made_by": "scripts/make_encoder_fixture.py (PyTorch " + torch.__version__ + ")"}}
json.dump(manifest, open(os.path.join(out, "encoder.json"), "w"), indent=2)
print("wrote", out, "features", tuple(y.shape))
