#!/usr/bin/env python3
"""Draws a calibration-set size study's results.json — Scripts/bench/bench-calibration-size's (digits)
or `Scripts/bench/bench-cifar size`'s (.bench/cifar/size/results.json) —: validation top-1 (top row),
the validation loss when the runs have it, and the calibration loss on the run's own set (bottom row)
against calibration-set size, one column per model, one line per bit width × weight granularity;
the median over the subset seeds or draws, with a bar from the lowest to the highest. Needs
matplotlib (developer-only, in a virtualenv of its own, e.g. /work/plot-venv):

    /work/plot-venv/bin/python Scripts/bench/plot-calibration-size.py \
        [--results .bench/calibration-size/runs/results.json] [--out docs/calibration-size.png] [--title T]
"""
import argparse
import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")   # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS = [("valTop1", "validation top-1, %", 100), ("valLoss", "validation loss", 1),
        ("calibLoss", "calibration loss (own set)", 1)]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=os.path.join(ROOT, ".bench", "calibration-size", "runs", "results.json"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "calibration-size.png"))
    parser.add_argument("--title", default="LAPQ on digits: calibration-set size (median, bar = range over subset seeds)",
                        help="the figure's title; \\n breaks a line")
    parser.add_argument("--float", action="append", default=[], metavar="[MODEL:]KEY=VALUE",
                        help="the float network's value of a row (e.g. valTop1=0.8103), drawn as a dotted line in "
                             "MODEL's column (e.g. 'ResNet-56 (CIFAR-10):valTop1=0.832'), or in every column")
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    with open(arguments.results) as handle:
        runs = json.load(handle)["grid"]
    models = list(dict.fromkeys(run["model"] for run in runs))
    lines = list(dict.fromkeys((run["bits"], run["granularity"]) for run in runs))
    rows = [row for row in ROWS if all(row[0] in run for run in runs)]
    figure, axes = plt.subplots(len(rows), len(models), figsize=(max(4.2 * len(models), 6.4), 3.1 * len(rows)),
                                squeeze=False, sharex="col")   # a column per model, each with its sizes
    for column, model in enumerate(models):
        for row, (key, label, factor) in enumerate(rows):
            axis = axes[row][column]
            for bits, granularity in lines:
                chosen = [run for run in runs if (run["model"], run["bits"], run["granularity"]) == (model, bits, granularity)]
                if not chosen:
                    continue
                sizes = sorted({run["size"] for run in chosen})
                values = [[factor * run[key] for run in chosen if run["size"] == size] for size in sizes]
                medians = [statistics.median(v) for v in values]
                errors = [[m - min(v) for m, v in zip(medians, values)], [max(v) - m for m, v in zip(medians, values)]]
                # One colour per bit width × granularity in every column.
                axis.errorbar(sizes, medians, yerr=errors, marker="o", markersize=3.5, capsize=3, linewidth=1.2,
                              color=f"C{lines.index((bits, granularity)) % 10}",
                              linestyle="-" if granularity == "per-tensor" else "--", label=f"W{bits} {granularity}")
            for reference in arguments.float:
                name, _, value = reference.partition("=")
                reference_model, _, name = name.rpartition(":")
                if name == key and reference_model in ("", model):
                    axis.axhline(factor * float(value), color="grey", linestyle=":", linewidth=1, label="float")
            axis.set_xscale("log")
            # Every size any line of this model has, not the last line's alone.
            model_sizes = sorted({run["size"] for run in runs if run["model"] == model})
            axis.set_xticks(model_sizes, [str(size) for size in model_sizes])
            axis.minorticks_off()
            axis.grid(alpha=0.3)
            axis.set_ylabel(label)
            if row == 0:
                axis.set_title(model)
                axis.legend(fontsize=8)
            if row == len(rows) - 1:
                axis.set_xlabel("calibration images")
    figure.suptitle(arguments.title.replace("\\n", "\n"), fontsize=10)
    figure.tight_layout()
    figure.savefig(arguments.out, dpi=90)
    print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()
