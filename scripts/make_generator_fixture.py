#!/usr/bin/env python3
"""Writes tests/fixtures/gan-*: a tiny genrep GAN and its TorchScript exports.

    .venv/bin/python scripts/make_generator_fixture.py

gan-native/        a genrep-gan folder (manifest.json + generator.pt) with random weights and
                   non-trivial batch-norm statistics, written from PyTorch in genrep's layout
gan-torchscript/   its export by scripts/export_gan_torchscript.py, class passed as an index
gan-onehot/        the same export taking the class one-hot
tests/gen/TorchScriptGeneratorTest.cpp checks that genrep's native GAN and the exports make the
same images and the same training run. Runs on the project's PyTorch (.venv); the stored
fixtures were written by PyTorch 1.13 and still load (docs/generators.md).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from export_gan_torchscript import export, write_random_genrep_gan  # noqa: E402

root = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")
native = os.path.join(root, "gan-native")
arch = {"latent_dim": 8, "classes": 3, "channels": 1, "height": 8, "width": 8, "width_g": 4, "width_d": 4}
write_random_genrep_gan(native, arch, "random weights written by scripts/make_generator_fixture.py")
export(native, os.path.join(root, "gan-torchscript"), "index")
export(native, os.path.join(root, "gan-onehot"), "one-hot")
print("wrote", native, "gan-torchscript", "gan-onehot")
