#!/usr/bin/env python3
"""Writes the .npy golden files of Tests/LAPQDataTests/DataFixtures with numpy itself.

  v<major>_<dtype>.npy    one array per format version (1.0, 2.0, 3.0) and supported dtype
                          (|u1, <f4, <i8, <i4), seeded random values
  fortran_f4.npy, big_endian_f4.npy, float64.npy, structured.npy
                          arrays lapq must refuse (Fortran order, unsupported dtypes)
  calib_u1_images.npy + calib_u1_labels.npy   a tiny uint8 NHWC calibration set, int64 labels
  calib_f4_images.npy + calib_f4_labels.npy   a tiny float32 NCHW one, int32 labels
  index.json              what each file holds: version, descr, shape, the values flattened in
                          C order; for the calibration sets the shard size, preprocessing, each
                          shard's SHA-256 (hashlib over the stored image bytes then label bytes)
                          and the network input after preprocessing, computed in float64 and
                          rounded to float32 as docs/formats.md specifies.

Rerunning regenerates every file byte-identically: python3 Scripts/goldens/gen-npy-goldens.py
"""
import hashlib
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "LAPQDataTests", "DataFixtures")
DTYPES = {"u1": "|u1", "f4": "<f4", "i8": "<i8", "i4": "<i4"}


def random_array(rng, descr):
    if descr == "|u1":
        return rng.integers(0, 256, size=(2, 3, 4), dtype=np.uint8)
    if descr == "<f4":
        return rng.standard_normal((2, 3, 4)).astype("<f4")
    return rng.integers(-1000, 1000, size=(7,)).astype(descr)


def write(name, array, version=None):
    with open(os.path.join(OUT, name), "wb") as handle:
        np.lib.format.write_array(handle, array, version=version, allow_pickle=False)


def format_goldens(rng):
    entries = []
    for major in (1, 2, 3):
        for short, descr in DTYPES.items():
            array = random_array(rng, descr)
            name = f"v{major}_{short}.npy"
            write(name, array, version=(major, 0))
            entries.append({"file": name, "version": major, "descr": descr, "shape": list(array.shape),
                            "values": [float(v) if descr == "<f4" else int(v) for v in array.ravel()]})
    return entries


def refused_goldens(rng):
    write("fortran_f4.npy", np.asfortranarray(rng.standard_normal((3, 4)).astype("<f4")))
    write("big_endian_f4.npy", rng.standard_normal((3,)).astype(">f4"))
    write("float64.npy", rng.standard_normal((3,)))
    write("structured.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i8")]))
    return {"fortran_f4.npy": "fortran", "big_endian_f4.npy": ">f4", "float64.npy": "<f8",
            "structured.npy": "structured"}


def calibration_golden(prefix, images, labels, shard_size, scale, mean, std, layout):
    write(f"{prefix}_images.npy", images)
    write(f"{prefix}_labels.npy", labels)
    nchw = images.transpose(0, 3, 1, 2) if layout == "NHWC-uint8" else images
    channels = nchw.shape[1]
    mean64 = np.broadcast_to(np.asarray(mean, dtype=np.float64), (channels,)).reshape(1, channels, 1, 1)
    std64 = np.broadcast_to(np.asarray(std, dtype=np.float64), (channels,)).reshape(1, channels, 1, 1)
    inputs = ((nchw.astype(np.float64) * scale - mean64) / std64).astype(np.float32)
    shards = []
    for shard_id, start in enumerate(range(0, len(images), shard_size)):
        end = min(start + shard_size, len(images))
        digest = hashlib.sha256(images[start:end].tobytes() + labels[start:end].tobytes()).hexdigest()
        shards.append({"id": shard_id, "start": start, "count": end - start, "sha256": digest,
                       "input": [float(v) for v in inputs[start:end].ravel()],
                       "labels": [int(v) for v in labels[start:end]]})
    return {"images": f"{prefix}_images.npy", "labels": f"{prefix}_labels.npy", "layout": layout,
            "shape": list(images.shape), "shardSize": shard_size,
            "preprocessing": {"scale": scale, "mean": mean, "std": std}, "shards": shards}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    arrays = format_goldens(rng)
    refused = refused_goldens(rng)
    calibration = [
        calibration_golden("calib_u1", rng.integers(0, 256, size=(10, 3, 2, 2), dtype=np.uint8),
                           rng.integers(0, 5, size=(10,)).astype("<i8"), 4, 1 / 255, [0.4, 0.6], [0.2, 0.3],
                           "NHWC-uint8"),
        calibration_golden("calib_f4", rng.standard_normal((5, 2, 2, 3)).astype("<f4"),
                           rng.integers(0, 3, size=(5,)).astype("<i4"), 2, 0.5, [0.1], [2.0], "NCHW-float32"),
    ]
    index = {"arrays": arrays, "refused": refused, "calibration": calibration}
    with open(os.path.join(OUT, "index.json"), "w") as handle:
        json.dump(index, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
