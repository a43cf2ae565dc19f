#!/usr/bin/env python3
"""Exports a genrep GAN folder as a TorchScript generator folder (module.pt + manifest.json).

    .venv/bin/python scripts/export_gan_torchscript.py models/fashion-mnist-cgan /tmp/cgan-ts [--class-input one-hot] [--trace]

The generator is written here again in PyTorch (GanGenerator below mirrors
src/genrep/gen/GanNetworks.cpp), loaded with genrep's weights, compiled with torch.jit.script
(or recorded with torch.jit.trace: --trace) and saved with torch.jit.save. genrep then loads the export like any TorchScript generator a
user brings; tests/gen/TorchScriptGeneratorTest.cpp checks that it makes the same images and
the same training run as the native one. It is also the worked example of docs/generators.md:
any PyTorch generator is exported the same way (script or trace it, save it, write the manifest).
Runs on the project's PyTorch (.venv, scripts/requirements.txt); exports made by PyTorch 1.13
(tests/fixtures/gan-torchscript) load in genrep too.
"""
import argparse
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConditionalBatchNorm(nn.Module):
    def __init__(self, features: int, classes: int):
        super().__init__()
        self.norm = nn.BatchNorm2d(features, affine=False)
        self.gain = nn.Parameter(torch.ones(max(classes, 1), features))
        self.bias = nn.Parameter(torch.zeros(max(classes, 1), features))
        self.classes = classes

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        if self.classes == 0:
            return h * self.gain.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)
        return h * self.gain[y].view(x.size(0), -1, 1, 1) + self.bias[y].view(x.size(0), -1, 1, 1)


class GanGenerator(nn.Module):
    """z [B, Z], y [B] int64 -> [B, C, H, W] in [-1, 1]."""

    def __init__(self, arch: dict):
        super().__init__()
        w = arch["width_g"]
        self.w, self.h4, self.w4 = w, arch["height"] // 4, arch["width"] // 4
        classes = arch["classes"]
        self.project = nn.Linear(arch["latent_dim"], 4 * w * self.h4 * self.w4)
        self.bn1 = ConditionalBatchNorm(4 * w, classes)
        self.conv1 = nn.Conv2d(4 * w, 2 * w, 3, padding=1)
        self.bn2 = ConditionalBatchNorm(2 * w, classes)
        self.conv2 = nn.Conv2d(2 * w, w, 3, padding=1)
        self.bn3 = ConditionalBatchNorm(w, classes)
        self.to_image = nn.Conv2d(w, arch["channels"], 3, padding=1)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.project(z).view(z.size(0), 4 * self.w, self.h4, self.w4)
        h = self.conv1(F.interpolate(F.relu(self.bn1(h, y)), scale_factor=2.0, mode="nearest"))
        h = self.conv2(F.interpolate(F.relu(self.bn2(h, y)), scale_factor=2.0, mode="nearest"))
        return torch.tanh(self.to_image(F.relu(self.bn3(h, y))))


class OneHotInput(nn.Module):
    """The same generator taking its class one-hot, as BigGAN-style exports do."""

    def __init__(self, generator: GanGenerator):
        super().__init__()
        self.generator = generator

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.generator(z, y.argmax(dim=1))


class Unconditional(nn.Module):
    def __init__(self, generator: GanGenerator):
        super().__init__()
        self.generator = generator

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.generator(z, torch.zeros(z.size(0), dtype=torch.long, device=z.device))


def write_random_genrep_gan(folder: str, arch: dict, note: str, seed: int = 0) -> None:
    """A genrep GAN folder (manifest.json + generator.pt, what genrep's `gan train` writes) with
    random weights and non-trivial batch-norm statistics: test fixtures and benchmark generators
    whose cost is a trained one's."""
    torch.manual_seed(seed)
    net = GanGenerator(arch)
    with torch.no_grad():
        for bn in (net.bn1, net.bn2, net.bn3):
            bn.gain.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.3, 0.3)
            bn.norm.running_mean.uniform_(-0.2, 0.2)
            bn.norm.running_var.uniform_(0.5, 2.0)
    net.eval()
    os.makedirs(folder, exist_ok=True)
    torch.jit.save(torch.jit.script(net), os.path.join(folder, "generator.pt"))
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
        "training": {"note": note},
    }
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def load_genrep_gan(folder: str) -> (GanGenerator, dict):
    """A genrep GAN folder as a PyTorch module in eval mode, and its manifest."""
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    if manifest.get("kind") != "genrep-gan":
        raise SystemExit(f"{folder}/manifest.json: not a genrep GAN (kind {manifest.get('kind')!r})")
    net = GanGenerator(manifest["architecture"])
    # genrep's torch::save writes a TorchScript archive whose attributes are the weights.
    saved = torch.jit.load(os.path.join(folder, manifest.get("weights", "generator.pt")), map_location="cpu")
    state = dict(saved.named_parameters())
    state.update(dict(saved.named_buffers()))
    net.load_state_dict(state, strict=True)
    return net.eval(), manifest


def example_inputs(manifest: dict, class_input: str) -> tuple:
    """A batch for torch.jit.trace to record the forward pass with."""
    z = torch.randn(4, manifest["latent_dim"])
    classes = manifest["architecture"]["classes"]
    if class_input == "none":
        return (z,)
    y = torch.arange(4) % classes
    return (z, F.one_hot(y, classes).float()) if class_input == "one-hot" else (z, y)


def export(folder: str, out: str, class_input: str = "index", trace: bool = False) -> None:
    net, manifest = load_genrep_gan(folder)
    classes = manifest["architecture"]["classes"]
    if classes == 0:
        module, class_input = Unconditional(net), "none"
    elif class_input == "one-hot":
        module = OneHotInput(net)
    else:
        module = net
    module.eval()
    scripted = torch.jit.trace(module, example_inputs(manifest, class_input)) if trace else torch.jit.script(module)
    os.makedirs(out, exist_ok=True)
    torch.jit.save(scripted, os.path.join(out, "module.pt"))
    ts_manifest = {
        "format": "genrep-generator",
        "version": 1,
        "kind": "torchscript",
        "module": "module.pt",
        "latent_dim": manifest["latent_dim"],
        "classes": classes,
        "class_input": class_input,
        "image_shape": manifest["image_shape"],
        "output_range": manifest["output_range"],
        "description": f"TorchScript export of {os.path.basename(os.path.normpath(folder))} (genrep GAN)",
        "export": {"script": "scripts/export_gan_torchscript.py", "from": os.path.basename(os.path.normpath(folder)),
                   "torch": torch.__version__, "mode": "trace" if trace else "script"},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(ts_manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("generator", help="genrep GAN folder (manifest.json + generator.pt)")
    parser.add_argument("out", help="folder to write module.pt and manifest.json into")
    parser.add_argument("--class-input", choices=["index", "one-hot"], default="index")
    parser.add_argument("--trace", action="store_true", help="torch.jit.trace instead of torch.jit.script")
    args = parser.parse_args()
    export(args.generator, args.out, args.class_input, args.trace)
    print(f"wrote {args.out}/module.pt and {args.out}/manifest.json")
