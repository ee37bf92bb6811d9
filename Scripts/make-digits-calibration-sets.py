#!/usr/bin/env python3
"""Writes larger calibration sets for the digits example (docs/benchmarks.md, "Calibration-set
size"): the 1000 training images plus the 397 calibration images, each in its 9 one-pixel
shifts (identity and the 8 neighbours, the vacated row/column filled with 0, the background),
12,573 images in all; from that pool, subsets of each --sizes entry, drawn without replacement
for each --seeds entry. The validation split is never read into a set.

Developer-only (not CI, not the README): the training images are not in the repository, so this
needs scikit-learn's `load_digits` (bundled with scikit-learn, no download). Install it into a
venv of its own, never into Scripts/python-env's:

    python3 -m venv /work/sk-venv && /work/sk-venv/bin/pip install numpy scikit-learn
    /work/sk-venv/bin/python Scripts/make-digits-calibration-sets.py \
        [--sizes 1400,5000,12500] [--seeds 0,1,2] [--out .bench/calibration-size/sets]

The split is Scripts/train-digits.py's own code (its constants and `split_digits`, read from
that file without importing torch). Before writing anything the script checks that the
calibration and validation splits it computes, saved as .npy, equal examples/digits/*_images.npy
and *_labels.npy byte for byte, and stops otherwise: a different scikit-learn or numpy that
changed the data or the shuffle would silently measure another split.

Each set is written as <out>/digits-aug-<size>-s<seed>_{images,labels}.npy (uint8 NHWC, int64)
and described by `lapq-coord manifest` (shards of 64 and the preprocessing of
examples/digits/calib.json) as <out>/digits-aug-<size>-s<seed>.json. <out>/sets.json lists the
sets for Scripts/bench-calibration-size.
"""
import argparse
import ast
import io
import json
import os
import subprocess
import sys

import numpy as np

try:
    from sklearn.datasets import load_digits
except ImportError:
    sys.exit("make-digits-calibration-sets.py needs scikit-learn in its own venv (see --help)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "digits")
TRAIN_SCRIPT = os.path.join(ROOT, "Scripts", "train-digits.py")
# Base of every subset's random stream; the stream of (size, seed) is default_rng([SUBSET_SEED, size, seed]).
SUBSET_SEED = 20261203
SHIFTS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]   # (0, 0), the identity, included


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1400,5000,12500", help="subset sizes (comma-separated)")
    parser.add_argument("--seeds", default="0,1,2", help="subset seeds (comma-separated)")
    parser.add_argument("--out", default=os.path.join(ROOT, ".bench", "calibration-size", "sets"))
    parser.add_argument("--lapq-coord", default=os.path.join(ROOT, ".build", "release", "lapq-coord"))
    parser.add_argument("--shard-size", type=int, default=64)
    arguments = parser.parse_args()
    arguments.sizes = [int(size) for size in arguments.sizes.split(",")]
    arguments.seeds = [int(seed) for seed in arguments.seeds.split(",")]
    return arguments


def train_digits_split():
    """Scripts/train-digits.py's split_digits() with its constants, compiled from that file's
    source so the split cannot drift from the one that trained the models."""
    tree = ast.parse(open(TRAIN_SCRIPT).read(), TRAIN_SCRIPT)
    wanted = {"SPLIT_SEED", "SPLIT", "PIXEL_SCALE", "split_digits"}
    nodes = [node for node in tree.body
             if (isinstance(node, ast.Assign) and {t.id for t in node.targets if isinstance(t, ast.Name)} & wanted)
             or (isinstance(node, ast.FunctionDef) and node.name in wanted)]
    found = {t.id for n in nodes if isinstance(n, ast.Assign) for t in n.targets} | {
        n.name for n in nodes if isinstance(n, ast.FunctionDef)}
    if found != wanted:
        sys.exit(f"{TRAIN_SCRIPT}: expected {sorted(wanted)}, found {sorted(found)}")
    namespace = {"np": np, "load_digits": load_digits}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), TRAIN_SCRIPT, "exec"), namespace)
    return namespace["split_digits"]()


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def check_against_example(split):
    """Fails unless the computed calibration and validation splits are the shipped files, byte for byte."""
    for name, prefix in (("calibration", "calib"), ("validation", "val")):
        for array, kind in zip(split[name], ("images", "labels")):
            path = os.path.join(EXAMPLE, f"{prefix}_{kind}.npy")
            with open(path, "rb") as handle:
                if handle.read() != npy_bytes(array):
                    sys.exit(f"the {name} {kind} computed from load_digits differ from {path}: "
                             "this scikit-learn/numpy does not reproduce the example's split")
    print(f"split check: calibration and validation equal {EXAMPLE}/{{calib,val}}_{{images,labels}}.npy byte for byte")


def spans(shift, length):
    """(destination, source) slices that move `length` positions by `shift` (-1, 0 or 1)."""
    return slice(max(shift, 0), length + min(shift, 0)), slice(max(-shift, 0), length + min(-shift, 0))


def shifted(images, dy, dx):
    """Images (N, H, W, C) moved by dy rows and dx columns (down/right when positive), the
    vacated edge filled with 0."""
    out = np.zeros_like(images)
    (rows_to, rows_from), (cols_to, cols_from) = spans(dy, images.shape[1]), spans(dx, images.shape[2])
    out[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return out


def augmented_pool(split):
    """Train + calibration images in all 9 shifts: sample i·9 + s is image i shifted by SHIFTS[s]."""
    images = np.concatenate([split["train"][0], split["calibration"][0]])
    labels = np.concatenate([split["train"][1], split["calibration"][1]])
    every_shift = np.stack([shifted(images, dy, dx) for dy, dx in SHIFTS], axis=1)   # (N, 9, H, W, C)
    return every_shift.reshape(-1, *images.shape[1:]), np.repeat(labels, len(SHIFTS))


def write_set(arguments, name, images, labels, preprocessing):
    image_path = os.path.join(arguments.out, f"{name}_images.npy")
    label_path = os.path.join(arguments.out, f"{name}_labels.npy")
    np.save(image_path, images)
    np.save(label_path, labels)
    manifest = os.path.join(arguments.out, f"{name}.json")
    subprocess.run([arguments.lapq_coord, "manifest", "--images", image_path, "--labels", label_path,
                    "--shard-size", str(arguments.shard_size), "--scale", repr(preprocessing["scale"]),
                    "--mean", ",".join(map(repr, preprocessing["mean"])), "--std", ",".join(map(repr, preprocessing["std"])),
                    "--out", manifest], check=True)
    return manifest


def main():
    arguments = parse_arguments()
    split = train_digits_split()
    check_against_example(split)
    pool_images, pool_labels = augmented_pool(split)
    if max(arguments.sizes) > len(pool_labels):
        sys.exit(f"--sizes: the pool holds {len(pool_labels)} images, fewer than {max(arguments.sizes)}")
    with open(os.path.join(EXAMPLE, "calib.json")) as handle:
        preprocessing = json.load(handle)["preprocessing"]
    os.makedirs(arguments.out, exist_ok=True)
    sets = []
    for size in arguments.sizes:
        for seed in arguments.seeds:
            # Drawn order is kept: every shard mixes images, shifts and classes.
            chosen = np.random.default_rng([SUBSET_SEED, size, seed]).choice(len(pool_labels), size, replace=False)
            manifest = write_set(arguments, f"digits-aug-{size}-s{seed}", pool_images[chosen], pool_labels[chosen], preprocessing)
            sets.append({"size": size, "seed": seed, "manifest": os.path.relpath(manifest, arguments.out)})
    with open(os.path.join(arguments.out, "sets.json"), "w") as handle:
        json.dump({"pool": len(pool_labels), "subsetSeed": SUBSET_SEED, "sets": sets}, handle, indent=1)
    print(f"wrote {len(sets)} sets from a pool of {len(pool_labels)} to {arguments.out}")


if __name__ == "__main__":
    main()
