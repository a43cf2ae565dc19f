#!/usr/bin/env python3
"""The Python side of the pipeline benchmark: what a user would run instead of genrep.

    /usr/bin/python3 bench/reference_pipeline.py png --workers 1 --steps 30 --json out.json
    /usr/bin/python3 bench/reference_pipeline.py stream --steps 30 --json out.json

Both train the same model as bench/PipelineBench.cpp, with Debian's PyTorch 1.13: genrep's
default encoder (ResNet 4 stages x width 16, scripts/load_encoder.py) with the SimCLR head and
loss (tau 0.1, scaled by tau / 0.07), SGD lr 0.03 x batch / 256, momentum 0.9, weight decay 1e-4,
256 anchors x 2 views; the generator is the shipped one, rebuilt in PyTorch with genrep's
weights (scripts/export_gan_torchscript.py; tests/gen/TorchScriptGeneratorTest.cpp checks that
it makes genrep's images).

  png     the paper's way: an offline dataset of PNG files written by the generator (anchors and
          gaussian neighbours, sigma 0.5), read per image with PIL, augmented per image with
          torchvision transforms, batched by a DataLoader with --workers worker processes.
  stream  on the fly: each step generates anchors and neighbours in one batched call and
          augments the batched tensors (per-image crop, flip, brightness, contrast).

Prints and writes (JSON) views per second over the measured steps and each part's share.
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
ARCH = {"type": "resnet", "channels": 1, "stages": 4, "blocks": 1, "width": 16}


def truncated_normal(*shape):
    return nn.init.trunc_normal_(torch.empty(*shape), 0.0, 1.0, -2.0, 2.0)


class SimClr(nn.Module):
    """genrep's encoder, 2-layer head and contrastive loss (src/genrep/learn/ContrastiveLoss.cpp)."""

    def __init__(self, tau=0.1, tau_base=0.07):
        super().__init__()
        self.encoder = genrep_resnet(ARCH).body
        features = ARCH["width"] << (ARCH["stages"] - 1)
        self.head = nn.Sequential(nn.Linear(features, features), nn.ReLU(), nn.Linear(features, 128))
        self.tau, self.tau_base = tau, tau_base

    def forward(self, views, ids):  # views [2B, 1, 28, 28] view-major, ids [2B]
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
    classes = generator.bn1.classes
    count = anchors_per_class * classes
    start = time.time()
    with torch.no_grad():
        for first in range(0, count, 250):
            b = min(250, count - first)
            z = truncated_normal(b, 64)
            y = torch.arange(first, first + b) % classes
            codes = torch.cat([z] + [z + SIGMA * truncated_normal(b, 64) for _ in range(pool)])
            images = generator(codes, y.repeat(pool + 1)).view(pool + 1, b, 28, 28)
            pixels = ((images + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
            for a in range(b):
                anchor = os.path.join(folder, f"anchor-{first + a:05d}")
                os.makedirs(anchor, exist_ok=True)
                for k in range(pool + 1):
                    Image.fromarray(pixels[k, a], mode="L").save(os.path.join(anchor, f"{k}.png"))
    open(done, "w").write(f"{count} anchors x {pool + 1} images, {time.time() - start:.1f} s\n")


class PngPairs(torch.utils.data.Dataset):
    """Item i: the anchor image and one of its neighbours, each through its own transform."""

    def __init__(self, folder):
        from torchvision import transforms

        self.anchors = sorted(os.path.join(folder, d) for d in os.listdir(folder) if d.startswith("anchor-"))
        self.pool = len(os.listdir(self.anchors[0])) - 1
        # genrep's pixel views on grey images (src/genrep/views/PixelView.h): saturation and hue
        # do not apply to one channel, and neither does random greyscale.
        self.transform = transforms.Compose([
            transforms.RandomResizedCrop(28, scale=(0.2, 1.0)),
            transforms.RandomHorizontalFlip(),
            transforms.RandomApply([transforms.ColorJitter(0.4, 0.4)], p=0.8),
            transforms.ToTensor(),
            transforms.Normalize((0.5,), (0.5,)),
        ])

    def __len__(self):
        return len(self.anchors)

    def __getitem__(self, i):
        from PIL import Image

        neighbour = 1 + torch.randint(self.pool, ()).item()
        anchor = Image.open(os.path.join(self.anchors[i], "0.png")).convert("L")
        other = Image.open(os.path.join(self.anchors[i], f"{neighbour}.png")).convert("L")
        return self.transform(anchor), self.transform(other)


def batched_pixel_views(x):
    """Per-image random resized crop, flip and brightness/contrast jitter on [B, 1, H, W] in [-1, 1]."""
    b = x.size(0)
    area = torch.empty(b).uniform_(0.2, 1.0)
    ratio = torch.exp(torch.empty(b).uniform_(math.log(3 / 4), math.log(4 / 3)))
    w = torch.sqrt(area * ratio).clamp(max=1.0)  # box size as a share of the image side
    h = torch.sqrt(area / ratio).clamp(max=1.0)
    cx = (torch.rand(b) * 2 - 1) * (1 - w)
    cy = (torch.rand(b) * 2 - 1) * (1 - h)
    flip = torch.where(torch.rand(b) < 0.5, -1.0, 1.0)
    zero = torch.zeros(b)
    theta = torch.stack([torch.stack([w * flip, zero, cx], 1), torch.stack([zero, h, cy], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    x = (x + 1) * 0.5
    jitter = (torch.rand(b) < 0.8).float().view(-1, 1, 1, 1)
    brightness = 1 + jitter * torch.empty(b, 1, 1, 1).uniform_(-0.4, 0.4)
    contrast = 1 + jitter * torch.empty(b, 1, 1, 1).uniform_(-0.4, 0.4)
    x = (x * brightness).clamp(0, 1)
    mean = x.mean((1, 2, 3), keepdim=True)
    x = ((x - mean) * contrast + mean).clamp(0, 1)
    return x * 2 - 1


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    generator, _ = load_genrep_gan(args.generator)
    model = SimClr()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03 * args.batch / 256, momentum=0.9, weight_decay=1e-4)
    ids = torch.arange(args.batch).repeat(2)
    parts = {"data": 0.0, "generate": 0.0, "augment": 0.0, "forward": 0.0, "backward": 0.0, "optimizer": 0.0}
    losses = []

    if args.mode == "png":
        write_png_dataset(generator, args.data, args.anchors_per_class, args.pool)
        loader = torch.utils.data.DataLoader(PngPairs(args.data), batch_size=args.batch, shuffle=True, drop_last=True,
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
                z = truncated_normal(args.batch, 64)
                y = torch.randint(10, (args.batch,))
                codes = torch.cat([z, z + SIGMA * truncated_normal(args.batch, 64)])
                images = generator(codes, y.repeat(2))  # one call: anchors and neighbours
                timed["generate"] = time.perf_counter() - t
                t = time.perf_counter()
                views = batched_pixel_views(images)
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
        "torch": torch.__version__,
        "cpu": cpu_description(),
        # genrep's allocator settings given to glibc through its environment (bench/pipeline.sh)
        "tuned": os.environ.get("MALLOC_MMAP_MAX_") == "0",
    }
    shares = ", ".join(f"{k} {100 * v:.1f} %" for k, v in result["shares"].items() if v > 0)
    print(f"{name}: {result['views_per_second']:.0f} views/s ({result['step_ms']:.1f} ms/step over {args.steps} steps "
          f"after {args.warmup} warm-up; {args.threads} threads); shares: {shares}")
    if args.json:
        temporary = args.json + ".tmp"
        with open(temporary, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        os.replace(temporary, args.json)


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
    parser.add_argument("--json", default="")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
