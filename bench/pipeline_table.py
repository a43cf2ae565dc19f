#!/usr/bin/env python3
"""The pipeline benchmark's tables from the JSON files bench/pipeline.sh wrote (markdown on stdout).

    .venv/bin/python bench/pipeline_table.py bench-out              # the switches table
    .venv/bin/python bench/pipeline_table.py --grid bench-out/grid  # the cost grid
"""
import glob
import json
import os
import sys


def grid_table(folder):
    """One row per generator x encoder: each pipeline's views/s and peak memory, genrep's shares,
    the ratios measured in the same run, and the issue's targets at 128 px RGB with ResNet-50."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        r = json.load(open(path))
        name = os.path.basename(path)[:-len(".json")]  # c3-128-resnet50-genrep-stream[-r25]
        key, _, pipeline = name.partition("-genrep-") if "-genrep-" in name else name.partition("-python-")
        kind = {"stream": "genrep", "shards": "shards", "stream-r25": "r25", "png": "png"}.get(pipeline, "fly")
        if name.endswith("python-stream"):
            kind = "fly"
        runs.setdefault(key, {})[kind] = r
    if not runs:
        sys.exit(f"pipeline_table: no grid results in {folder} (did GENREP_BENCH_GRID_POINTS match no point?)")
    first = next(iter(next(iter(runs.values())).values()))
    print(f"{first['steps']} measured steps after {first['warmup_steps']} warm-up, {first['threads']} threads, fp32; "
          f"{first['cpu']['model']} ({', '.join(first['cpu']['flags'])})\n")
    print("| images -> views | encoder | anchors | genrep views/s | generate / pixel views / fwd+bwd / optimizer % "
          "| Python on the fly views/s | paper-style PNG views/s | genrep / on the fly | genrep / PNG "
          "| peak MiB genrep / on the fly / PNG (+ worker) |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---|")

    def order(key):
        channels, side, arch = key.split("-", 2)
        return int(side), channels, ["resnet", "resnet18", "resnet34", "resnet50"].index(arch)

    for key in sorted(runs, key=order):
        g, fly, png = (runs[key].get(k) for k in ("genrep", "fly", "png"))
        if g is None:
            continue
        c, h, w = g["image_shape"]
        _, vh, vw = g["view_shape"]
        s = g["shares"]
        shares = (f"{100 * s['generate']:.1f} / {100 * s['augment']:.1f} / {100 * (s['forward'] + s['backward']):.1f} / "
                  f"{100 * s['optimizer']:.1f}")

        def rate(r):
            return f"{r['views_per_second']:.1f}" if r else ""

        def ratio(r):
            return f"{g['views_per_second'] / r['views_per_second']:.2f}x" if r else ""

        memory = " / ".join(f"{r['peak_rss_mib']:.0f}" if r else "" for r in (g, fly, png))
        if png and png.get("workers_peak_rss_mib"):
            memory += f" (+ {png['workers_peak_rss_mib']:.0f})"
        print(f"| {c}x{h}x{w} -> {vh}x{vw} | {g['arch']} | {g['batch']} | {rate(g)} | {shares} | {rate(fly)} | {rate(png)} "
              f"| {ratio(fly)} | {ratio(png)} | {memory} |")

    paper = runs.get("c3-128-resnet50", {})
    if all(k in paper for k in ("genrep", "fly", "png")):
        g, fly, png = paper["genrep"], paper["fly"], paper["png"]
        checks = [
            ("pixel views <= 10 % of a step", 100 * g["shares"]["augment"], "{:.1f} %", g["shares"]["augment"] <= 0.10),
            ("genrep stream >= 1.3x the Python on-the-fly path", g["views_per_second"] / fly["views_per_second"], "{:.2f}x",
             g["views_per_second"] >= 1.3 * fly["views_per_second"]),
            ("genrep stream >= 2x the paper-style PNG pipeline", g["views_per_second"] / png["views_per_second"], "{:.2f}x",
             g["views_per_second"] >= 2 * png["views_per_second"]),
            ("peak memory <= the Python on-the-fly path's", g["peak_rss_mib"] / fly["peak_rss_mib"], "{:.2f}x of it",
             g["peak_rss_mib"] <= fly["peak_rss_mib"]),
        ]
        print("\ntargets at 128 px RGB, ResNet-50 on 112-px views:\n")
        for what, value, form, met in checks:
            print(f"- {what}: {form.format(value)} ({'met' if met else 'missed'})")
        # genrep's own answers where generation is the cost: offline shards, and reusing anchors
        for kind, what in (("shards", "genrep on offline shards (genrep generate)"),
                           ("r25", "genrep stream, views.refresh 0.25 (each anchor spent about 4 times)")):
            if kind in paper:
                r = paper[kind]
                print(f"- {what}: {r['views_per_second']:.1f} views/s, {r['views_per_second'] / png['views_per_second']:.2f}x "
                      f"the PNG pipeline, {r['views_per_second'] / fly['views_per_second']:.2f}x on the fly; "
                      f"generation {100 * r['shares']['generate']:.1f} % of a step, peak {r['peak_rss_mib']:.0f} MiB")


if sys.argv[1:2] == ["--grid"]:
    grid_table(sys.argv[2])
    sys.exit(0)

folder = sys.argv[1]
rows = [json.load(open(path)) for path in sorted(glob.glob(os.path.join(folder, "*.json")))]
rows.sort(key=lambda r: (not r["pipeline"].startswith("python"), r["pipeline"], -r["views_per_second"]))


isas = [r.get("cpu", {}).get("onednn_isa", "") for r in rows if not r["pipeline"].startswith("python")]
usual_isa = max(set(isas), key=isas.count) if isas else ""


def label(r):
    if r["pipeline"].startswith("python"):
        allocator = "genrep's malloc settings" if r.get("tuned") else "default malloc"
        return f"{r['pipeline']} ({allocator})"
    switches = [s for s, on in (("channels_last", r["channels_last"]),
                                ("generator channels_last", r.get("generator_channels_last", False)),
                                (f"generator {r['generator_precision']}", r["generator_precision"] == "bf16"),
                                (f"encoder {r['encoder_precision']}", r["encoder_precision"] == "bf16"),
                                (f"refresh {r.get('refresh')}, window {r.get('window')}", 0 < r.get("refresh", 0) < 1)) if on]
    # A run with oneDNN held below this CPU's ISA (ONEDNN_MAX_CPU_ISA) says so.
    isa = r.get("cpu", {}).get("onednn_isa", "")
    limited = f"; oneDNN at {isa}" if isa and isa != usual_isa else ""
    return f"{r['pipeline']} ({', '.join(switches) or 'fp32'}{limited})"


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
