#!/usr/bin/env python3
"""Golden values for lapq's `percentile` and `entropy` methods, from the tools that define them.

    Scripts/goldens/gen-calibrator-goldens.py percentile   # project venv (Scripts/python-env): onnxruntime
    Scripts/goldens/gen-calibrator-goldens.py entropy      # a venv with torch and nvidia-modelopt, run once

Both run on the same seeded data (|x| of a few distributions, every set holding an exact 0 so
that a histogram of |x| starts at 0 as lapq's does) fed as one batch, and write
Tests/LAPQMathTests/Goldens/calibrator-<method>.json: for each data set the tool's own
2048-bin histogram of |x| (its counts and range) and the threshold the tool computed from it.
LAPQMathTests recompute the threshold from those counts (docs/algorithms.md, "Baselines").
"""
import json
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "LAPQMathTests" / "Goldens"
SEED = 20261202
SIZE = 400_000
BINS = 2048


def data_sets():
    """{name: float32 array}; signed sets too, since both tools histogram |x|."""
    rng = np.random.default_rng(SEED)
    normal = rng.normal(size=SIZE)
    sets = {
        "relu-normal": np.maximum(normal, 0.0),
        "laplace": rng.laplace(size=SIZE),
        "student-t3": rng.standard_t(3, size=SIZE),
        "half-normal-outliers": np.concatenate([np.abs(rng.normal(size=SIZE - 20)), rng.uniform(8, 30, size=20)]),
        "uniform": rng.uniform(-1, 1, size=SIZE),
    }
    result = {}
    for name, values in sets.items():
        values = values.astype(np.float32)
        values[0] = 0.0
        result[name] = values
    return result


def percentile_golden():
    import onnxruntime
    from onnxruntime.quantization.calibrate import HistogramCollector

    cases = []
    for name, values in data_sets().items():
        collector = HistogramCollector(method="percentile", symmetric=True, num_bins=BINS,
                                       num_quantized_bins=128, percentile=99.999, scenario="same")
        collector.collect({name: [values]})
        counts, edges = collector.histogram_dict[name][:2]
        low, high = collector.compute_collection_result()[name][:2]
        # A symmetric quantizer takes max(|low|, |high|); the tool caps each side at the data's
        # own min and max, so for signed data one side can be below the histogram's edge.
        cases.append({"name": name, "counts": counts.tolist(), "lower": float(edges[0]), "upper": float(edges[-1]),
                      "percentile": 99.999, "threshold": float(max(abs(low), abs(high))),
                      "range": [float(low), float(high)]})
    return {"source": f"onnxruntime {onnxruntime.__version__} quantization.calibrate.HistogramCollector"
                      "(method='percentile', symmetric=True, num_bins=2048, percentile=99.999)",
            "cases": cases}


def entropy_golden():
    import torch
    from importlib.metadata import version
    from modelopt.torch.quantization.calib import HistogramCalibrator

    cases = []
    for name, values in data_sets().items():
        for bits, unsigned in [(2, False), (3, True), (4, False), (4, True), (8, False), (8, True)]:
            calibrator = HistogramCalibrator(num_bits=bits, axis=None, unsigned=unsigned, num_bins=BINS)
            calibrator.collect(torch.from_numpy(values))
            counts = calibrator._calib_hist.int().cpu().numpy()
            edges = calibrator._calib_bin_edges.cpu().numpy()
            amax = calibrator.compute_amax("entropy")
            cases.append({"name": name, "bits": bits, "unsigned": unsigned, "counts": counts.tolist(),
                          "lower": float(edges[0]), "upper": float(edges[-1]), "threshold": float(amax),
                          "thresholdBin": int(np.argmin(np.abs(edges - float(amax))))})
    return {"source": f"nvidia-modelopt {version('nvidia-modelopt')} (torch {torch.__version__}) "
                      "HistogramCalibrator(num_bins=2048).compute_amax('entropy')",
            "cases": cases}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("percentile", "entropy"):
        sys.exit(__doc__)
    method = sys.argv[1]
    content = percentile_golden() if method == "percentile" else entropy_golden()
    path = OUT / f"calibrator-{method}.json"
    path.write_text(json.dumps(content, sort_keys=True) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
