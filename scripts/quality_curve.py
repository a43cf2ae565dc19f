#!/usr/bin/env python3
"""Prints the class-consistency curve of a `genrep gan train` run as a Markdown table.

Usage: python3 scripts/quality_curve.py runs/<run>/metrics.jsonl
Reads the probe lines (class_consistency every gan.eval_every steps) and the step lines
(loss, images per second); times are training seconds (steps only) and wall seconds
since the log opened (probes and checkpoints included; a resumed run reopens the log and its
clock restarts, so wall times are chained across resumes, leaving out the pause between)."""
import json
import sys


def main(path):
    probes, steps = [], {}
    offset, last_time = 0.0, 0.0
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if record["time"] + offset < last_time:  # the log was reopened by a resumed run
                offset = last_time
            record["time"] += offset
            last_time = record["time"]
            if "class_consistency" in record and "step" in record:
                probes.append(record)
            elif "loss_d" in record:
                steps[record["step"]] = record
    print("| step | training time | wall time | class consistency |")
    print("|---:|---:|---:|---:|")
    for p in probes:
        print(f"| {p['step']} | {p['train_seconds'] / 60:.1f} min | {p['time'] / 60:.1f} min | {100 * p['class_consistency']:.1f} % |")
    if steps:
        last = steps[max(steps)]
        print(f"\nlast step {last['step']}: D step {last['d_images_per_second']:.0f} img/s, "
              f"G step {last['g_images_per_second']:.0f} img/s (averages over the run)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
