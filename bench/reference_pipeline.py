#!/usr/bin/env python3
"""The Python side of the pipeline benchmark: what a user would run instead of genrep.

    .venv/bin/python bench/reference_pipeline.py png --workers 1 --steps 30 --json out.json
    .venv/bin/python bench/reference_pipeline.py stream --steps 30 --json out.json

Both train the same model as bench/PipelineBench.cpp, with the project's PyTorch (.venv, the
version genrep builds on): genrep's default encoder (ResNet 4 stages x width 16,
scripts/load_encoder.py) or torchvision's ResNet-18/34/50 (--arch, with --stem cifar as
scripts/check_torchvision_encoder.py builds it), with the SimCLR head (features-features-128) and
loss (tau 0.1, scaled by tau / 0.07), SGD lr 0.03 x batch / 256, momentum 0.9, weight decay 1e-4,
--batch anchors x 2 views at --crop pixels; the generator is a genrep GAN folder (the shipped one
by default, grey or RGB at any size), rebuilt in PyTorch with genrep's weights
(scripts/export_gan_torchscript.py; tests/gen/TorchScriptGeneratorTest.cpp checks that it makes
genrep's images).

  png     the paper's way: an offline dataset of PNG files written by the generator (anchors and
          gaussian neighbours, sigma 0.5), read per image with PIL, augmented per image with
          torchvision transforms (the paper's, for RGB: RandomResizedCrop, flip, ColorJitter
          0.4/0.4/0.4/0.1 with p 0.8, RandomGrayscale 0.2), batched by a DataLoader with
          --workers worker processes.
  stream  on the fly: each step generates anchors and neighbours in one batched call and
          augments the batched tensors (per-image crop, flip, brightness, contrast, and for RGB
          saturation, hue and greyscale).

Prints and writes (JSON) views per second over the measured steps, each part's share and the
peak resident memory (this process, and separately the sum over its DataLoader workers).
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from export_gan_torchscript import load_genrep_gan  # noqa: E402
from load_encoder import genrep_resnet  # noqa: E402

SIGMA = 0.5
SMALL_ARCH = {"type": "resnet", "stages": 4, "blocks": 1, "width": 16}
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def truncated_normal(*shape):
    return nn.init.trunc_normal_(torch.empty(*shape), 0.0, 1.0, -2.0, 2.0)


def make_encoder(arch, stem, channels):
    """(backbone giving [B, features], features): genrep's small ResNet or torchvision's."""
    if arch == "resnet":
        return genrep_resnet(dict(SMALL_ARCH, channels=channels)).body, SMALL_ARCH["width"] << (SMALL_ARCH["stages"] - 1)
    import torchvision

    model = getattr(torchvision.models, arch)()
    if stem == "cifar":  # the small-image stem: 3x3 stride 1, no max-pool
        model.conv1 = nn.Conv2d(channels, 64, 3, 1, 1, bias=False)
        model.maxpool = nn.Identity()
    elif channels != 3:
        model.conv1 = nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
    features = model.fc.in_features
    model.fc = nn.Identity()
    return model, features


class SimClr(nn.Module):
    """The encoder, 2-layer head and contrastive loss (src/genrep/learn/ContrastiveLoss.cpp)."""

    def __init__(self, arch, stem, channels, tau=0.1, tau_base=0.07):
        super().__init__()
        self.encoder, features = make_encoder(arch, stem, channels)
        self.head = nn.Sequential(nn.Linear(features, features), nn.ReLU(), nn.Linear(features, 128))
        self.tau, self.tau_base = tau, tau_base

    def forward(self, views, ids):  # views [2B, C, S, S] view-major, ids [2B]
        z = F.normalize(self.head(self.encoder(views)), dim=1)
        n = z.size(0)
        same = ids[None, :] == ids[:, None]
        self_mask = torch.eye(n, dtype=torch.bool)
        logits = z @ z.t() / self.tau
        others = logits.masked_fill(self_mask, -math.inf)
        row_max = others.max(1, keepdim=True).values.detach()
        log_denominator = torch.logsumexp(others - row_max, 1, keepdim=True)
        positive = (same & ~self_mask).float()
        mean_log_prob = (positive * (logits - row_max - log_denominator)).sum(1) / positive.sum(1).clamp_min(1)
        return -(self.tau / self.tau_base) * mean_log_prob.mean()


def write_png_dataset(generator, folder, anchors_per_class, pool, seed=0):
    """anchor-NNNNN/0.png is the anchor, 1..pool.png its gaussian neighbours (as the paper stores them)."""
    from PIL import Image

    done = os.path.join(folder, "complete")
    if os.path.exists(done):
        return
    torch.manual_seed(seed)
    classes = max(generator.bn1.classes, 1)
    latent, (channels, height, width) = generator.project.in_features, image_shape(generator)
    count = anchors_per_class * classes
    start = time.time()
    with torch.no_grad():
        for first in range(0, count, 50):
            b = min(50, count - first)
            z = truncated_normal(b, latent)
            y = torch.arange(first, first + b) % classes
            codes = torch.cat([z] + [z + SIGMA * truncated_normal(b, latent) for _ in range(pool)])
            images = generator(codes, y.repeat(pool + 1)).view(pool + 1, b, channels, height, width)
            pixels = ((images + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 1, 3, 4, 2).numpy()
            for a in range(b):
                anchor = os.path.join(folder, f"anchor-{first + a:05d}")
                os.makedirs(anchor, exist_ok=True)
                for k in range(pool + 1):
                    picture = Image.fromarray(pixels[k, a, :, :, 0], mode="L") if channels == 1 else Image.fromarray(pixels[k, a], mode="RGB")
                    picture.save(os.path.join(anchor, f"{k}.png"))
    open(done, "w").write(f"{count} anchors x {pool + 1} images, {time.time() - start:.1f} s\n")


def image_shape(generator):
    """(C, H, W) of a GanGenerator (scripts/export_gan_torchscript.py)."""
    return generator.to_image.out_channels, 4 * generator.h4, 4 * generator.w4


def normalisation(channels, input_norm):
    """The per-channel mean and std after ToTensor: [-1, 1] pixels, or ImageNet's statistics."""
    if input_norm == "imagenet":
        return IMAGENET_MEAN, IMAGENET_STD
    return (0.5,) * channels, (0.5,) * channels


class PngPairs(torch.utils.data.Dataset):
    """Item i: the anchor image and one of its neighbours, each through its own transform."""

    def __init__(self, folder, channels, crop, input_norm):
        from torchvision import transforms

        self.anchors = sorted(os.path.join(folder, d) for d in os.listdir(folder) if d.startswith("anchor-"))
        self.pool = len(os.listdir(self.anchors[0])) - 1
        self.mode = "L" if channels == 1 else "RGB"
        # genrep's pixel views (src/genrep/views/PixelView.h), the paper's for RGB; on grey
        # images saturation, hue and random greyscale do not apply.
        colour = [transforms.RandomApply([transforms.ColorJitter(0.4, 0.4)], p=0.8)] if channels == 1 else [
            transforms.RandomApply([transforms.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
            transforms.RandomGrayscale(p=0.2)]
        self.transform = transforms.Compose([
            transforms.RandomResizedCrop(crop, scale=(0.2, 1.0)),
            transforms.RandomHorizontalFlip(),
            *colour,
            transforms.ToTensor(),
            transforms.Normalize(*normalisation(channels, input_norm)),
        ])

    def __len__(self):
        return len(self.anchors)

    def __getitem__(self, i):
        from PIL import Image

        neighbour = 1 + torch.randint(self.pool, ()).item()
        anchor = Image.open(os.path.join(self.anchors[i], "0.png")).convert(self.mode)
        other = Image.open(os.path.join(self.anchors[i], f"{neighbour}.png")).convert(self.mode)
        return self.transform(anchor), self.transform(other)


def batched_pixel_views(x, crop, input_norm):
    """Per-image random resized crop to crop x crop, flip, colour jitter (brightness, contrast; for
    RGB also saturation and hue, in this order) and, for RGB, random greyscale, on [B, C, H, W]
    in [-1, 1] -> [B, C, crop, crop] normalised as the png path's."""
    try:  # batched RGB <-> HSV: private since torchvision 0.17
        from torchvision.transforms import _functional_tensor as FT
    except ImportError:  # torchvision 0.14 (Debian's, on PyTorch 1.13)
        from torchvision.transforms import functional_tensor as FT

    b, channels = x.size(0), x.size(1)
    area = torch.empty(b).uniform_(0.2, 1.0)
    ratio = torch.exp(torch.empty(b).uniform_(math.log(3 / 4), math.log(4 / 3)))
    w = torch.sqrt(area * ratio).clamp(max=1.0)  # box size as a share of the image side
    h = torch.sqrt(area / ratio).clamp(max=1.0)
    cx = (torch.rand(b) * 2 - 1) * (1 - w)
    cy = (torch.rand(b) * 2 - 1) * (1 - h)
    flip = torch.where(torch.rand(b) < 0.5, -1.0, 1.0)
    zero = torch.zeros(b)
    theta = torch.stack([torch.stack([w * flip, zero, cx], 1), torch.stack([zero, h, cy], 1)], 1)
    grid = F.affine_grid(theta, [b, channels, crop, crop], align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    x = (x + 1) * 0.5
    jitter = (torch.rand(b) < 0.8).float().view(-1, 1, 1, 1)

    def factor(strength):
        return 1 + jitter * torch.empty(b, 1, 1, 1).uniform_(-strength, strength)

    def grey(v):  # ITU-R 601-2 luma, as torchvision's rgb_to_grayscale
        return (0.2989 * v[:, 0:1] + 0.587 * v[:, 1:2] + 0.114 * v[:, 2:3]) if channels == 3 else v

    x = (x * factor(0.4)).clamp(0, 1)
    mean = grey(x).mean((1, 2, 3), keepdim=True)
    x = ((x - mean) * factor(0.4) + mean).clamp(0, 1)
    if channels == 3:
        g = grey(x)
        x = ((x - g) * factor(0.4) + g).clamp(0, 1)
        hsv = FT._rgb2hsv(x)
        shift = jitter * torch.empty(b, 1, 1, 1).uniform_(-0.1, 0.1)
        hsv = torch.cat([(hsv[:, :1] + shift) % 1.0, hsv[:, 1:]], 1)
        x = FT._hsv2rgb(hsv)
        to_grey = (torch.rand(b) < 0.2).view(-1, 1, 1, 1)
        x = torch.where(to_grey, grey(x).expand_as(x), x)
    mean, std = normalisation(channels, input_norm)
    return (x - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1)


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    generator, _ = load_genrep_gan(args.generator)
    channels, height, width = image_shape(generator)
    latent, classes = generator.project.in_features, generator.bn1.classes
    crop = args.crop or height
    model = SimClr(args.arch, args.stem, channels)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03 * args.batch / 256, momentum=0.9, weight_decay=1e-4)
    ids = torch.arange(args.batch).repeat(2)
    parts = {"data": 0.0, "generate": 0.0, "augment": 0.0, "forward": 0.0, "backward": 0.0, "optimizer": 0.0}
    losses = []

    if args.mode == "png":
        write_png_dataset(generator, args.data, args.anchors_per_class, args.pool)
        del generator  # the paper's training reads files; writing them is not part of its memory
        reset_peak_resident()
        loader = torch.utils.data.DataLoader(PngPairs(args.data, channels, crop, args.input_norm), batch_size=args.batch, shuffle=True, drop_last=True,
                                             num_workers=args.workers, persistent_workers=args.workers > 0)

        def batches():
            while True:
                yield from loader
    total_steps = args.warmup + args.steps
    source = batches() if args.mode == "png" else None
    for step in range(total_steps):
        timed = {}
        t = time.perf_counter()
        if args.mode == "png":
            anchor, other = next(source)
            views = torch.cat([anchor, other])
            timed["data"] = time.perf_counter() - t
        else:
            with torch.no_grad():
                z = truncated_normal(args.batch, latent)
                y = torch.randint(max(classes, 1), (args.batch,))
                codes = torch.cat([z, z + SIGMA * truncated_normal(args.batch, latent)])
                images = generator(codes, y.repeat(2))  # one call: anchors and neighbours
                timed["generate"] = time.perf_counter() - t
                t = time.perf_counter()
                views = batched_pixel_views(images, crop, args.input_norm)
                timed["augment"] = time.perf_counter() - t
        t = time.perf_counter()
        loss = model(views, ids)
        losses.append(loss.item())
        timed["forward"] = time.perf_counter() - t
        t = time.perf_counter()
        optimizer.zero_grad()
        loss.backward()
        timed["backward"] = time.perf_counter() - t
        t = time.perf_counter()
        optimizer.step()
        timed["optimizer"] = time.perf_counter() - t
        if step >= args.warmup:
            for key, seconds in timed.items():
                parts[key] += seconds

    peak_mib = peak_resident_mib()
    workers_mib = sum(child_peak_mib())  # the DataLoader's persistent workers, still alive
    step_seconds = sum(parts.values())
    views_per_step = 2 * args.batch
    name = f"python-png-{args.workers}-workers" if args.mode == "png" else "python-stream"
    if os.environ.get("MALLOC_MMAP_MAX_") == "0":
        name += "-tuned"
    result = {
        "pipeline": name,
        "steps": args.steps,
        "warmup_steps": args.warmup,
        "batch": args.batch,
        "views_per_step": views_per_step,
        "threads": args.threads,
        "workers": args.workers if args.mode == "png" else 0,
        "views_per_second": views_per_step * args.steps / step_seconds,
        "step_ms": 1e3 * step_seconds / args.steps,
        "shares": {key: seconds / step_seconds for key, seconds in parts.items()},
        "mean_loss": sum(losses[args.warmup:]) / args.steps,
        "generator": args.generator,
        "image_shape": [channels, height, width],
        "view_shape": [channels, crop, crop],
        "arch": args.arch,
        "stem": args.stem if args.arch != "resnet" else "",
        "input_norm": args.input_norm,
        "peak_rss_mib": peak_mib,
        "workers_peak_rss_mib": workers_mib if args.mode == "png" and args.workers > 0 else 0.0,
        "torch": torch.__version__,
        "cpu": cpu_description(),
        # genrep's allocator settings given to glibc through its environment (bench/pipeline.sh)
        "tuned": os.environ.get("MALLOC_MMAP_MAX_") == "0",
    }
    shares = ", ".join(f"{k} {100 * v:.1f} %" for k, v in result["shares"].items() if v > 0)
    print(f"{name}: {result['views_per_second']:.0f} views/s ({result['step_ms']:.1f} ms/step over {args.steps} steps "
          f"after {args.warmup} warm-up; {args.threads} threads); shares: {shares}; peak resident {peak_mib:.0f} MiB"
          + (f" + workers {workers_mib:.0f} MiB" if result["workers_peak_rss_mib"] else ""))
    if args.json:
        temporary = args.json + ".tmp"
        with open(temporary, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        os.replace(temporary, args.json)


def reset_peak_resident():
    """Linux: writing 5 to clear_refs resets this process's peak resident memory (VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_resident_mib(pid="self"):
    """Peak resident memory (VmHWM) of a process, MiB; 0 when it cannot be read."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def child_peak_mib():
    """Peak resident memory (VmHWM) of each live child process of this one, MiB."""
    peaks = []
    for task in os.listdir("/proc/self/task"):
        try:
            children = open(f"/proc/self/task/{task}/children").read().split()
        except OSError:
            continue
        peaks += [peak_resident_mib(pid) for pid in children]
    return peaks


def cpu_description():
    """The CPU model, the flags that decide oneDNN's kernels, and the ISA cap if one is set: the
    same fields as genrep's own JSON ("cpu"), so figures from two machines are never compared
    silently."""
    relevant = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16"]
    model, flags = "unknown CPU", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "unknown CPU":
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    present = set(value.split())
                    flags = [flag for flag in relevant if flag in present]
    except OSError:
        pass
    return {"model": model, "flags": flags, "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA", "")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["png", "stream"])
    parser.add_argument("--generator", default="models/fashion-mnist-cgan")
    parser.add_argument("--data", default="bench-out/png", help="png: the PNG dataset folder (written when missing)")
    parser.add_argument("--anchors-per-class", type=int, default=200)
    parser.add_argument("--pool", type=int, default=5, help="png: neighbours per anchor")
    parser.add_argument("--workers", type=int, default=0, help="png: DataLoader worker processes")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--arch", default="resnet", choices=["resnet", "resnet18", "resnet34", "resnet50"])
    parser.add_argument("--stem", default="imagenet", choices=["imagenet", "cifar"], help="torchvision archs")
    parser.add_argument("--crop", type=int, default=0, help="side of the views (0 = the generator's image size)")
    parser.add_argument("--input-norm", default="none", choices=["none", "imagenet"])
    parser.add_argument("--json", default="")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
