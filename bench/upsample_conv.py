#!/usr/bin/env python3
"""Upsample + 3x3 conv against its four 2x2 phases as one convolution, in PyTorch (a dev tool).

    .venv/bin/python bench/upsample_conv.py [--threads 2] [--repeats 5]

The rewrite genrep's GAN generator uses (src/genrep/gen/GanNetworks.cpp, docs/gan.md "The
generator's forward"), timed forward and forward + backward at the generator's layer shapes,
with the largest difference from the direct form relative to the output's range.
"""
import argparse
import time

import torch
import torch.nn.functional as F


def direct(x, w, b):
    return F.conv2d(F.interpolate(x, scale_factor=2, mode='nearest'), w, b, padding=1)


def fold(t, dim):  # three taps along dim -> each output parity's two
    t0, t1, t2 = t.narrow(dim, 0, 1), t.narrow(dim, 1, 1), t.narrow(dim, 2, 1)
    return [torch.cat([t0, t1 + t2], dim), torch.cat([t0 + t1, t2], dim)]


def phases(x, w, b):
    _, _, h, width = x.shape
    o = w.shape[0]
    kernels = [both for rows in fold(w, 2) for both in fold(rows, 3)]
    y = F.conv2d(F.pad(x, (1, 1, 1, 1)), torch.cat(kernels, 0), b.repeat(4))
    parts = [y.narrow(1, (2 * a + c) * o, o).narrow(2, a, h).narrow(3, c, width) for a in range(2) for c in range(2)]
    return F.pixel_shuffle(torch.stack(parts, 2).flatten(1, 2), 2)


def seconds(fn, repeats):
    fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    # (batch, in, out, input side): the width-64 G's two upsampling convs at 28 px (512 images:
    # a step of 256 anchors x 2 views) and at 128 px (128 images).
    for batch, cin, cout, side in [(512, 256, 128, 7), (512, 128, 64, 14), (128, 256, 128, 32), (128, 128, 64, 64)]:
        x = torch.randn(batch, cin, side, side)
        w = torch.randn(cout, cin, 3, 3) * 0.05
        b = torch.randn(cout)
        with torch.no_grad():
            ref = direct(x, w, b)
            error = ((phases(x, w, b) - ref).abs().max() / ref.abs().max()).item()
            fwd = {f.__name__: seconds(lambda: f(x, w, b), args.repeats) for f in (direct, phases)}
        xg, wg, bg = (t.clone().requires_grad_() for t in (x, w, b))
        both = {f.__name__: seconds(lambda: f(xg, wg, bg).square().sum().backward(), max(1, args.repeats // 2)) for f in (direct, phases)}
        print(f'[{batch}, {cin}, {side}, {side}] -> {cout} x {2 * side}: forward {1e3 * fwd["direct"]:.0f} -> {1e3 * fwd["phases"]:.0f} ms '
              f'({fwd["direct"] / fwd["phases"]:.2f}x), forward + backward {1e3 * both["direct"]:.0f} -> {1e3 * both["phases"]:.0f} ms '
              f'({both["direct"] / both["phases"]:.2f}x), max difference {error:.1e} of the range')


if __name__ == '__main__':
    main()
