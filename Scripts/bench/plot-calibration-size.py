#!/usr/bin/env python3
"""Draws Scripts/bench/bench-calibration-size's results.json: validation top-1 (top row) and the
calibration loss on the run's own set (bottom row) against calibration-set size, one column per
model, one line per bit width × weight granularity; the median over the subset seeds, with a bar
from the lowest to the highest seed. Needs matplotlib (developer-only; e.g. /work/sk-venv):

    /work/sk-venv/bin/python Scripts/bench/plot-calibration-size.py \
        [--results .bench/calibration-size/runs/results.json] [--out docs/calibration-size.png]
"""
import argparse
import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")   # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS = [("valTop1", "validation top-1, %", 100), ("calibLoss", "calibration loss (own set)", 1)]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=os.path.join(ROOT, ".bench", "calibration-size", "runs", "results.json"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "calibration-size.png"))
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    with open(arguments.results) as handle:
        runs = json.load(handle)["grid"]
    models = list(dict.fromkeys(run["model"] for run in runs))
    lines = list(dict.fromkeys((run["bits"], run["granularity"]) for run in runs))
    figure, axes = plt.subplots(len(ROWS), len(models), figsize=(4.2 * len(models), 6.2), squeeze=False, sharex=True)
    for column, model in enumerate(models):
        for row, (key, label, factor) in enumerate(ROWS):
            axis = axes[row][column]
            for bits, granularity in lines:
                chosen = [run for run in runs if (run["model"], run["bits"], run["granularity"]) == (model, bits, granularity)]
                sizes = sorted({run["size"] for run in chosen})
                values = [[factor * run[key] for run in chosen if run["size"] == size] for size in sizes]
                medians = [statistics.median(v) for v in values]
                errors = [[m - min(v) for m, v in zip(medians, values)], [max(v) - m for m, v in zip(medians, values)]]
                axis.errorbar(sizes, medians, yerr=errors, marker="o", markersize=3.5, capsize=3, linewidth=1.2,
                              linestyle="-" if granularity == "per-tensor" else "--", label=f"W{bits} {granularity}")
            axis.set_xscale("log")
            axis.set_xticks(sizes, [str(size) for size in sizes])
            axis.minorticks_off()
            axis.grid(alpha=0.3)
            axis.set_ylabel(label)
            if row == 0:
                axis.set_title(model)
            if row == len(ROWS) - 1:
                axis.set_xlabel("calibration images")
    axes[0][0].legend(fontsize=8)
    figure.suptitle("LAPQ on digits: calibration-set size (median, bar = range over subset seeds)", fontsize=10)
    figure.tight_layout()
    figure.savefig(arguments.out, dpi=90)
    print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()
