#!/usr/bin/env python3
"""Where a genrep GAN generator's sampling time goes, in PyTorch 1.13 (a dev tool).

    MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 \\
        .venv/bin/python bench/generator_profile.py [--generator models/fashion-mnist-cgan] [--batch 512]

The environment variables give Python genrep's allocator settings (README, "Memory allocator");
without them every large activation is a fresh mmap and the memory-bound passes look larger.
Three forms of the same function from the folder's weights, in eval mode without autograd:
  upsample  nearest 2x upsampling, then the 3x3 convolution (the network as docs/gan.md writes it);
  phases    genrep's training path: the four 2x2 phase kernels as one convolution, stacked and
            pixel-shuffled, then batch norm, class gain and bias, ReLU as separate passes;
  fused     genrep's sampling path (src/genrep/gen/GanNetworks.cpp): each batch norm as one affine
            map applied while the phases are interleaved, ReLU in place.
Prints each form's milliseconds per forward, its largest differences from the forms before it, and the
profiler's share of time per operator for `phases` and `fused` (docs/gan.md, "Sampling: each
batch norm as one affine map").
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "scripts"))
sys.path.insert(0, here)
from export_gan_torchscript import load_genrep_gan  # noqa: E402
from upsample_conv import fold, phases as phase_convolution  # noqa: E402  (the training path's form)


def phase_kernels(conv):  # [O, I, 3, 3] -> [4O, I, 2, 2], phase 2a + b
    return torch.cat([both for rows in fold(conv.weight, 2) for both in fold(rows, 3)], 0)


def phase(out, o, a, b, h, w):
    return out.narrow(1, (2 * a + b) * o, o).narrow(2, a, h).narrow(3, b, w)


def affine(bn, y):  # eval-mode conditional batch norm as x * scale + shift, [B or 1, C, 1, 1] each
    scale = (bn.gain if bn.classes == 0 else bn.gain[y]) * torch.rsqrt(bn.norm.running_var + bn.norm.eps)
    shift = (bn.bias if bn.classes == 0 else bn.bias[y]) - bn.norm.running_mean * scale
    return scale.view(scale.shape[0], -1, 1, 1), shift.view(shift.shape[0], -1, 1, 1)


def fused_conv(x, conv, scale, shift):  # relu(affine(phase_convolution(x))) written once
    o, (n, _, h, w) = conv.weight.shape[0], x.shape
    out = F.conv2d(x, phase_kernels(conv), conv.bias.repeat(4), padding=1)
    result = torch.empty(n, o, h, 2, w, 2)
    for a in range(2):
        for b in range(2):
            torch.addcmul(shift, phase(out, o, a, b, h, w), scale, out=result[:, :, :, a, :, b])
    return result.view(n, o, 2 * h, 2 * w).relu_()


def forms(g):
    def stem(z):
        return g.project(z).view(z.size(0), 4 * g.w, g.h4, g.w4)

    def phases(z, y):
        h = phase_convolution(F.relu(g.bn1(stem(z), y)), g.conv1.weight, g.conv1.bias)
        h = phase_convolution(F.relu(g.bn2(h, y)), g.conv2.weight, g.conv2.bias)
        return torch.tanh(g.to_image(F.relu(g.bn3(h, y))))

    def fused(z, y):
        scale, shift = affine(g.bn1, y)
        h = torch.addcmul(shift, stem(z), scale).relu_()
        h = fused_conv(h, g.conv1, *affine(g.bn2, y))
        h = fused_conv(h, g.conv2, *affine(g.bn3, y))
        return g.to_image(h).tanh_()

    return {"upsample": g.forward, "phases": phases, "fused": fused}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", default="models/fashion-mnist-cgan")
    parser.add_argument("--batch", type=int, default=512, help="images per call (a step of 256 anchors x 2 views: 512)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    g, manifest = load_genrep_gan(args.generator)
    classes = manifest["architecture"]["classes"]
    z = torch.randn(args.batch, manifest["architecture"]["latent_dim"])
    y = torch.randint(0, max(classes, 1), (args.batch,))
    print(f"{args.generator}: batch {args.batch}, {args.threads} threads, malloc env "
          f"MALLOC_MMAP_MAX_={os.environ.get('MALLOC_MMAP_MAX_', '(unset)')}")
    with torch.no_grad():
        outputs = {}
        for name, form in forms(g).items():
            for _ in range(2):
                form(z, y)
            start = time.perf_counter()
            for _ in range(args.repeats):
                outputs[name] = form(z, y)
            ms = (time.perf_counter() - start) / args.repeats * 1000
            differences = ", ".join(f"{(outputs[name] - outputs[other]).abs().max().item():.1e} from {other}"
                                    for other in outputs if other != name)
            print(f"{name:9s} {ms:7.1f} ms a forward" + (f"; largest difference {differences}" if differences else ""))
        for name in ("phases", "fused"):
            form = forms(g)[name]
            with torch.profiler.profile() as prof:
                for _ in range(3):
                    form(z, y)
            events = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
            total = sum(e.self_cpu_time_total for e in events)
            shares = ", ".join(f"{e.key.replace('aten::', '')} {100 * e.self_cpu_time_total / total:.1f} %"
                               for e in events[:9] if e.self_cpu_time_total > 0.005 * total)
            print(f"{name}: {shares}")


if __name__ == "__main__":
    main()
