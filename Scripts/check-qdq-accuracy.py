#!/usr/bin/env python3
"""Top-1 of an exported QDQ model over a lapq data manifest, run by onnxruntime.

    python3 Scripts/check-qdq-accuracy.py model.qdq.onnx val.json

Prints {"top1": hits, "samples": n, "loss": mean cross-entropy} as JSON. The manifest's
preprocessing is applied as lapq applies it (docs/formats.md); onnxruntime runs with its
default session options on one thread, as Scripts/check-qdq.py does.
"""
import importlib.util
import json
import pathlib
import sys

import numpy as np
import onnx

HERE = pathlib.Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("check_qdq", HERE / "check-qdq.py")
check_qdq = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_qdq)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    x, labels = check_qdq.network_input(sys.argv[2])
    runner = check_qdq.session(onnx.load(sys.argv[1]), optimize=True)
    logits = runner.run(None, {runner.get_inputs()[0].name: x})[0].astype(np.float64)
    top = logits.max(axis=1, keepdims=True)
    loss = np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0] - logits[np.arange(len(labels)), labels]
    hits = int((logits.argmax(axis=1) == labels).sum())
    print(json.dumps({"top1": hits, "samples": int(len(labels)), "loss": float(loss.mean())}))


if __name__ == "__main__":
    main()
