#!/usr/bin/env python3
"""onnxruntime's own static quantization of the CIFAR ResNets, the baseline of Scripts/bench/bench-cifar:
quant_pre_process, then quantize_static (QDQ) with MinMax, Entropy and Percentile calibration,
per-tensor and per-channel weights, at W8/A8 and W4/A4 (int4 weights, uint4 activations), with
every layer quantized and with the first and last layer left float (lapq's default), calibrated on
the same training images as lapq. Prints one markdown row per model: test top-1 and mean CE.

    cifar_ort_baseline.py DATA_DIR CALIB_PREFIX MODEL...
DATA_DIR holds <CALIB_PREFIX>_images.npy and test_images.npy / test_labels.npy (uint8 NHWC,
Scripts/make-calibration-set.py); the normalization is NORMALIZATION's (MEAN and STD in the environment).
"""
import contextlib
import os
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process


def channel_values(name, default, positive=False):
    """Three comma-separated numbers (each above 0 when `positive`) from the environment variable `name`, as written."""
    text = os.environ.get(name, default)
    try:
        values = [float(word) for word in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 3 or not all(np.isfinite(values)) or (positive and min(values) <= 0):
        sys.exit(f"{name}={text!r}: expected three comma-separated numbers, one per RGB channel"
                 + (", each above 0" if positive else ""))
    return text


# The networks' input: pixel/255, then (x - MEAN) / STD per RGB channel. The defaults are the shared CIFAR
# ResNets' own (their training script's, ImageNet's statistics); another network's are set with MEAN and STD.
# bench-cifar gives the same two texts to lapq-coord manifest, so both tools see one preprocessing.
DEFAULT_NORMALIZATION = {"mean": "0.485,0.456,0.406", "std": "0.229,0.224,0.225"}
NORMALIZATION = {"mean": channel_values("MEAN", DEFAULT_NORMALIZATION["mean"]),
                 "std": channel_values("STD", DEFAULT_NORMALIZATION["std"], positive=True)}
MEAN = np.array(NORMALIZATION["mean"].split(","), np.float32)
STD = np.array(NORMALIZATION["std"].split(","), np.float32)
WIDTHS = {"W8/A8": (QuantType.QInt8, QuantType.QUInt8), "W4/A4": (QuantType.QInt4, QuantType.QUInt4)}
METHODS = {"MinMax": CalibrationMethod.MinMax, "Entropy": CalibrationMethod.Entropy,
           "Percentile": CalibrationMethod.Percentile}


def network_input(images):
    pixels = images.astype(np.float32) * np.float32(1 / 255)
    return ((pixels - MEAN) / STD).transpose(0, 3, 1, 2).astype(np.float32)


class Reader(CalibrationDataReader):
    def __init__(self, name, images, batch=64):
        self.batches = iter([{name: network_input(images[i:i + batch])} for i in range(0, len(images), batch)])

    def get_next(self):
        return next(self.batches, None)


def logits(path, images):
    """onnxruntime's logits for uint8 NHWC `images`, 500 at a time."""
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(None, {name: network_input(images[i:i + 500])})[0]
                           for i in range(0, len(images), 500)])


def scores(path, images, labels):
    values = logits(path, images).astype(np.float64)
    top = values.max(axis=1, keepdims=True)
    loss = np.log(np.exp(values - top).sum(axis=1)) + top[:, 0] - values[np.arange(len(labels)), labels]
    return 100 * float((values.argmax(1) == labels).mean()), float(loss.mean())


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    data, prefix, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    calib = np.load(os.path.join(data, f"{prefix}_images.npy"))
    test, labels = np.load(os.path.join(data, "test_images.npy")), np.load(os.path.join(data, "test_labels.npy"))
    print("| network | bits | calibration | weights | first and last layer | test top-1 | test CE |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for path in models:
            network = os.path.splitext(os.path.basename(path))[0].removesuffix("_ts")
            prepared = os.path.join(work, "prepared.onnx")
            quant_pre_process(path, prepared, skip_symbolic_shape=True)  # the shapes are static but for the batch
            graph = onnx.load(prepared).graph
            layers = [node.name for node in graph.node if node.op_type in ("Conv", "Gemm", "MatMul")]
            for width, (weight_type, activation_type) in WIDTHS.items():
                for method_name, method in METHODS.items():
                    for per_channel in (False, True):
                        for exclude in ([], [layers[0], layers[-1]]):
                            out = os.path.join(work, "quantized.onnx")
                            with contextlib.redirect_stdout(sys.stderr):   # its calibrators print progress
                                quantize_static(prepared, out, Reader(graph.input[0].name, calib),
                                                quant_format=QuantFormat.QDQ, per_channel=per_channel,
                                                weight_type=weight_type, activation_type=activation_type,
                                                calibrate_method=method, nodes_to_exclude=exclude)
                            top1, loss = scores(out, test, labels)
                            print(f"| {network} | {width} | {method_name} | {'per-channel' if per_channel else 'per-tensor'} | "
                                  f"{'float' if exclude else 'quantized'} | {top1:.2f} % | {loss:.3f} |", flush=True)


if __name__ == "__main__":
    main()
