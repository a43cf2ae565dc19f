#!/usr/bin/env python3
"""The pipeline benchmark's table from the JSON files bench/pipeline.sh wrote (markdown on stdout).

    /usr/bin/python3 bench/pipeline_table.py bench-out
"""
import glob
import json
import os
import sys

folder = sys.argv[1]
rows = [json.load(open(path)) for path in sorted(glob.glob(os.path.join(folder, "*.json")))]
rows.sort(key=lambda r: (not r["pipeline"].startswith("python"), r["pipeline"], -r["views_per_second"]))


def label(r):
    if r["pipeline"].startswith("python"):
        allocator = "genrep's malloc settings" if r.get("tuned") else "default malloc"
        return f"{r['pipeline']} ({allocator})"
    switches = [s for s, on in (("channels_last", r["channels_last"]),
                                ("generator channels_last", r.get("generator_channels_last", False)),
                                (f"generator {r['generator_precision']}", r["generator_precision"] == "bf16"),
                                (f"encoder {r['encoder_precision']}", r["encoder_precision"] == "bf16"),
                                (f"refresh {r.get('refresh')}, window {r.get('window')}", 0 < r.get("refresh", 0) < 1)) if on]
    return f"{r['pipeline']} ({', '.join(switches) or 'fp32'})"


def share(r, *keys):
    return 100 * sum(r["shares"].get(k, 0.0) for k in keys)


print(f"steps {rows[0]['steps']} after {rows[0]['warmup_steps']} warm-up, {rows[0]['batch']} anchors x 2 views, "
      f"{rows[0]['threads']} threads\n")
print("| pipeline | views/s | data % (generate / augment / read) | forward % | backward % | optimizer % | encoder GFLOP/s |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    data = share(r, "data", "generate", "augment", "other_data")
    parts = f"{share(r, 'generate'):.1f} / {share(r, 'augment'):.1f} / {share(r, 'data', 'other_data'):.1f}"
    gflops = f"{r['encoder_gflops']:.0f}" if "encoder_gflops" in r else ""
    print(f"| {label(r)} | {r['views_per_second']:.0f} | {data:.1f} ({parts}) | {share(r, 'forward'):.1f} | "
          f"{share(r, 'backward'):.1f} | {share(r, 'optimizer'):.1f} | {gflops} |")
genrep = [r for r in rows if "matmul_gflops_fp32" in r]
if genrep:
    print(f"\nmachine peaks (measured in the genrep runs): fp32 matmul {max(r['matmul_gflops_fp32'] for r in genrep):.0f} GFLOP/s, "
          f"large channels_last 3x3 convolution {max(r['conv_gflops_fp32'] for r in genrep):.0f} GFLOP/s, "
          f"bf16 matmul {max(r['matmul_gflops_bf16'] for r in genrep):.0f} GFLOP/s")
