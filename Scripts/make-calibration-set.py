#!/usr/bin/env python3
"""Turns an image folder into lapq's calibration format (docs/formats.md).

The folder holds one sub-folder per class (as torchvision's ImageFolder reads it); class
indices follow the sorted folder names. Every JPEG/PNG is converted to RGB, resized so its
shorter side is --resize pixels (bilinear, long side int(resize * long / short) as torchvision's
Resize does), and centre-cropped to --crop x --crop. Writes, into --out:

  <prefix>_images.npy   uint8 (N, crop, crop, 3), NHWC, streamed to disk (memory stays small)
  <prefix>_labels.npy   int64 (N,), class index per image
  <prefix>_classes.json the class folder names, in index order

and prints the `lapq-coord manifest` command that describes them with the standard ImageNet
normalization (scale 1/255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]).

  python3 Scripts/make-calibration-set.py ~/imagenet/val --out ~/calib --per-class 10

Needs Pillow (pip install pillow; Scripts/python-env's venv has it). The end-to-end test
Tests/EndToEndTests/CalibrationSetScriptTests.swift runs this script on a generated folder, checks
the arrays, and runs the printed manifest command and `lapq-coord evaluate` on the result.
"""
import argparse
import json
import os
import shlex
import sys

import numpy as np

try:
    from PIL import Image
except ImportError:
    sys.exit("make-calibration-set.py needs Pillow: pip install pillow")

EXTENSIONS = (".jpg", ".jpeg", ".png")
IMAGENET_MEAN = "0.485,0.456,0.406"
IMAGENET_STD = "0.229,0.224,0.225"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="image folder with one sub-folder per class")
    parser.add_argument("--out", required=True, help="directory for the .npy files (created if missing)")
    parser.add_argument("--prefix", default="calib", help="file name prefix (default: calib)")
    parser.add_argument("--resize", type=int, default=256, help="shorter side after resizing (default: 256)")
    parser.add_argument("--crop", type=int, default=224, help="side of the centre crop (default: 224)")
    parser.add_argument("--per-class", type=int, default=0,
                        help="take only the first N images (sorted by name) of each class; 0 takes all")
    parser.add_argument("--shard-size", type=int, default=64, help="shard size for the printed manifest command")
    arguments = parser.parse_args()
    if arguments.crop <= 0 or arguments.resize < arguments.crop:
        parser.error(f"--crop {arguments.crop} must be positive and at most --resize {arguments.resize}")
    if arguments.per_class < 0 or arguments.shard_size <= 0:
        parser.error("--per-class must be ≥ 0 and --shard-size positive")
    return arguments


def list_samples(folder, per_class):
    """(classes, [(path, class index)]): classes are the sorted sub-folder names."""
    if not os.path.isdir(folder):
        sys.exit(f"{folder}: not a directory")
    classes = sorted(entry.name for entry in os.scandir(folder) if entry.is_dir())
    if not classes:
        sys.exit(f"{folder}: no class sub-folders")
    samples = []
    for index, name in enumerate(classes):
        directory = os.path.join(folder, name)
        files = sorted(f for f in os.listdir(directory) if f.lower().endswith(EXTENSIONS))
        if per_class:
            files = files[:per_class]
        samples.extend((os.path.join(directory, f), index) for f in files)
    if not samples:
        sys.exit(f"{folder}: no {'/'.join(EXTENSIONS)} images in its class sub-folders")
    return classes, samples


def transform(path, resize, crop):
    """RGB uint8 (crop, crop, 3): shorter side to `resize`, then the central crop x crop window."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        width, height = image.size
        if width <= height:
            size = (resize, int(resize * height / width))
        else:
            size = (int(resize * width / height), resize)
        image = image.resize(size, Image.BILINEAR)
        left = int(round((size[0] - crop) / 2.0))
        top = int(round((size[1] - crop) / 2.0))
        return np.asarray(image.crop((left, top, left + crop, top + crop)), dtype=np.uint8)


def main():
    arguments = parse_arguments()
    classes, samples = list_samples(arguments.folder, arguments.per_class)
    os.makedirs(arguments.out, exist_ok=True)
    images_path = os.path.join(arguments.out, f"{arguments.prefix}_images.npy")
    labels_path = os.path.join(arguments.out, f"{arguments.prefix}_labels.npy")
    images = np.lib.format.open_memmap(images_path, mode="w+", dtype=np.uint8,
                                       shape=(len(samples), arguments.crop, arguments.crop, 3))
    for row, (path, _) in enumerate(samples):
        try:
            images[row] = transform(path, arguments.resize, arguments.crop)
        except OSError as error:
            sys.exit(f"{path}: cannot decode the image: {error}")
    images.flush()
    del images
    np.save(labels_path, np.array([label for _, label in samples], dtype="<i8"))
    with open(os.path.join(arguments.out, f"{arguments.prefix}_classes.json"), "w") as handle:
        json.dump(classes, handle, indent=1)
        handle.write("\n")
    print(f"{len(samples)} images of {len(classes)} classes -> {images_path}, {labels_path}")
    command = ["lapq-coord", "manifest", "--images", images_path, "--labels", labels_path,
               "--shard-size", str(arguments.shard_size), "--scale", repr(1 / 255),
               "--mean", IMAGENET_MEAN, "--std", IMAGENET_STD,
               "--out", os.path.join(arguments.out, f"{arguments.prefix}.json")]
    print(" ".join(shlex.quote(part) for part in command))


if __name__ == "__main__":
    main()
