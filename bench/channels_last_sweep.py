#!/usr/bin/env python3
"""The channels_last hazard of oneDNN 2.6 (Debian's PyTorch/LibTorch 1.13), swept over layer
shapes and oneDNN instruction sets: one process per case, so a crash or a hang marks only that
case. Each case runs one convolution forward and backward in NCHW and in channels_last (NHWC)
on the same data and prints the relative error of the output, the input gradient and the weight
gradient, under glibc's heap check (a write past a block aborts the process on free).

A dev tool beside genrep's own reproducer (tests/runtime/ChannelsLastRepro.cpp). Run it with the
Python whose PyTorch genrep is built on (.venv: the same oneDNN, linked into LibTorch); it found
the hazard in 1.13's oneDNN 2.6 and checks it again in later ones. docs/benchmark.md has what it
found.

    .venv/bin/python bench/channels_last_sweep.py                 # AVX2, AVX512_CORE, this CPU
    .venv/bin/python bench/channels_last_sweep.py --isas AVX2 --kernels 1 --strides 2
"""
import argparse
import itertools
import os
import subprocess
import sys

CASE = r"""
import sys, torch
torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[7]))
cin, cout, k, s, side, batch = map(int, sys.argv[1:7])
w = torch.randn(cout, cin, k, k)
x = torch.randn(batch, cin, side, side)
def run(layout):
    wl = w.clone().contiguous(memory_format=layout).requires_grad_()
    xl = x.clone().contiguous(memory_format=layout).requires_grad_()
    y = torch.nn.functional.conv2d(xl, wl, stride=s, padding=k // 2)
    y.square().sum().backward()
    return y.detach(), xl.grad, wl.grad
ref, got = run(torch.contiguous_format), run(torch.channels_last)
errors = [((a - b).abs().max() / (a.abs().max() + 1e-12)).item() for a, b in zip(ref, got)]
print("out %.2g input-grad %.2g weight-grad %.2g" % tuple(errors))
"""


def ints(text):
    return [int(v) for v in text.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--isas", default="AVX2,AVX512_CORE,ALL", help="ONEDNN_MAX_CPU_ISA values (ALL: this CPU's own)")
    parser.add_argument("--kernels", default="1,3")
    parser.add_argument("--strides", default="1,2")
    parser.add_argument("--in-channels", default="1,3,4,8,12,16,20,32,64")
    parser.add_argument("--out-channels", default="1,4,8,16,32,128")
    parser.add_argument("--side", type=int, default=32)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20, help="seconds before a case counts as hung")
    args = parser.parse_args()
    malloc_debug = "/lib/x86_64-linux-gnu/libc_malloc_debug.so.0"
    bad = 0
    for isa, k, s, cin, cout in itertools.product(args.isas.split(","), ints(args.kernels), ints(args.strides),
                                                  ints(args.in_channels), ints(args.out_channels)):
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA=isa, MALLOC_CHECK_="3")
        if os.path.exists(malloc_debug):
            env["LD_PRELOAD"] = malloc_debug
        command = [sys.executable, "-c", CASE, str(cin), str(cout), str(k), str(s), str(args.side), str(args.batch), str(args.threads)]
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.timeout)
            lines = (done.stdout + done.stderr).strip().splitlines()
            outcome = lines[-1] if done.returncode == 0 and lines else f"FAILED (exit {done.returncode}: {lines[-1] if lines else ''})"
        except subprocess.TimeoutExpired:
            outcome = f"HUNG (killed after {args.timeout:g} s)"
        wrong = outcome.startswith(("FAILED", "HUNG")) or any(float(v) > 1e-4 for v in outcome.split()[1::2])
        bad += wrong
        print(f"{isa} {k}x{k} stride {s} in {cin} out {cout}: {outcome}{'  BAD' if wrong else ''}", flush=True)
    print(f"{bad} bad case(s)")


if __name__ == "__main__":
    main()
