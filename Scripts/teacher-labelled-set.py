#!/usr/bin/env python3
"""A labelled data set for a model without one (a seeded fixture network): COUNT seeded Gaussian
inputs of the model's input shape, float32 NCHW, labelled with the float model's own top-1 as
onnxruntime computes it. Calibrating on it measures how closely a quantized network follows the
float one (top-1 = agreement with the float network; loss = cross-entropy against its choice).

    python3 Scripts/teacher-labelled-set.py MODEL.onnx OUT_DIR COUNT SEED

Writes OUT_DIR/images.npy and OUT_DIR/labels.npy (int64).
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main():
    model_path, out, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    model = onnx.load(model_path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    meta = session.get_inputs()[0]
    images = np.random.default_rng(seed).standard_normal([count, *meta.shape[1:]]).astype(np.float32)
    logits = session.run(None, {meta.name: images})[0]
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "images.npy"), images)
    np.save(os.path.join(out, "labels.npy"), np.argmax(logits.reshape(count, -1), axis=1).astype(np.int64))


if __name__ == "__main__":
    main()
