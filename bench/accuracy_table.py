#!/usr/bin/env python3
"""Compares quick-demo tables run with different switches (bench/switch_accuracy.sh).

    .venv/bin/python bench/accuracy_table.py bench-out/runs fp32 channels-last ...

The first variant is the reference. For each variant: the mean over the learned rows (every
method trained on the generator, and SimCLR on real images; not the two baselines) of linear,
kNN and few-shot top-1 %, its difference to the reference, and the largest single-row change.
Speed is the pipeline benchmark's business (bench/pipeline.sh), not this table's.
"""
import json
import os
import sys

runs, variants = sys.argv[1], sys.argv[2:]


def rows(variant):
    results = json.load(open(os.path.join(runs, f"acc-{variant}", "results.json")))
    return {r["method"]: r for r in results["rows"] if r.get("views_per_second", 0) > 0}


probes = ("linear_top1", "knn_top1", "few_shot")
reference = rows(variants[0])
print(f"`genrep demo --quick`, seed 0; mean over the {len(reference)} learned rows, top-1 %; "
      f"difference to {variants[0]} in brackets\n")
print("| variant | linear | kNN | few-shot | largest row change |")
print("|---|---:|---:|---:|---:|")
for variant in variants:
    table = rows(variant)
    cells = []
    for probe in probes:
        mean = 100 * sum(table[m][probe]["mean"] for m in reference) / len(reference)
        base = 100 * sum(reference[m][probe]["mean"] for m in reference) / len(reference)
        cells.append(f"{mean:.2f}" if variant == variants[0] else f"{mean:.2f} ({mean - base:+.2f})")
    largest = max(abs(100 * (table[m][p]["mean"] - reference[m][p]["mean"])) for m in reference for p in probes)
    print(f"| {variant} | {' | '.join(cells)} | {largest:.2f} |")
