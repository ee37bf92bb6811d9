#!/usr/bin/env python3
"""Seeded synthetic calibration data for the benchmarks: N uint8 RGB images of SIZE×SIZE
(uniform noise) and int64 labels of 1000 classes, as DIR/images.npy and DIR/labels.npy.

    make-synthetic-images.py DIR N [--size 224] [--seed 5]
"""
import argparse
import os

import numpy as np

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("directory")
parser.add_argument("count", type=int)
parser.add_argument("--size", type=int, default=224)
parser.add_argument("--seed", type=int, default=5)
arguments = parser.parse_args()
os.makedirs(arguments.directory, exist_ok=True)
rng = np.random.default_rng(arguments.seed)
n = arguments.count
np.save(os.path.join(arguments.directory, "images.npy"),
        rng.integers(0, 256, size=(n, arguments.size, arguments.size, 3), dtype=np.uint8))
np.save(os.path.join(arguments.directory, "labels.npy"), rng.integers(0, 1000, size=n).astype(np.int64))
