#!/usr/bin/env python3
"""Trains the small CNN of lapq's bundled example and writes examples/digits/.

Run once by a developer (needs torch and scikit-learn; not part of CI):

    /work/torch-venv/bin/python Scripts/train-digits.py [--out examples/digits] [--arch squeeze]

Data: scikit-learn's `load_digits` (1797 grey 8×8 digits, values 0–16), shuffled with
numpy.random.default_rng(SPLIT_SEED) and cut in that order into train (first 1000),
calibration (next 397) and validation (last 400). Stored images are uint8 NHWC (N, 8, 8, 1)
holding value × 15 (0–240); labels are int64. The network sees x = (v / 240 − mean) / std
with mean and std the pixel mean and standard deviation of the training images (printed and
written to the README), the preprocessing of the example's lapq manifest.

Model: Conv 1→16 3×3 pad 1 + BN + ReLU, Conv 16→32 3×3 pad 1 + BN + ReLU, MaxPool 2,
Conv 32→32 3×3 pad 1 + BN + ReLU, global average pool, Flatten, Linear 32→10. Trained with
Adam and a cosine schedule from TORCH_SEED, on 1 thread with deterministic algorithms, then
exported with the TorchScript ONNX exporter at opset 13 with a dynamic batch axis. The script
checks that onnxruntime's validation accuracy equals torch's before writing anything.

`--arch squeeze` trains a SqueezeNet-style network instead (`squeeze_network`: fire modules,
a 1×1 classifier conv with ReLU, global average pool) on the same split and recipe and writes
only `digits_squeeze.onnx`: it uses the example's calibration and validation sets, and is the
second trained model the quality tests and docs/benchmarks.md measure on.
"""
import argparse
import json
import pathlib

import numpy as np
import onnxruntime as ort
import torch
from sklearn.datasets import load_digits
from torch import nn

SPLIT_SEED = 20240601
TORCH_SEED = 7
SPLIT = {"train": 1000, "calibration": 397, "validation": 400}
PIXEL_SCALE = 15  # stored value = load_digits value (0–16) × 15, so 0–240 fits uint8
EPOCHS = 60
BATCH = 50


def split_digits():
    digits = load_digits()
    images = (digits.images * PIXEL_SCALE).round().astype(np.uint8)[..., None]  # (N, 8, 8, 1)
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    cuts = np.cumsum([SPLIT["train"], SPLIT["calibration"]])
    parts = np.split(order, cuts)
    assert [len(p) for p in parts] == list(SPLIT.values())
    return {name: (images[p], labels[p]) for name, p in zip(SPLIT, parts)}


def network():
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*block(1, 16), *block(16, 32), nn.MaxPool2d(2), *block(32, 32),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


class Fire(nn.Module):
    """SqueezeNet's fire module: 1×1 squeeze + ReLU, then 1×1 and 3×3 expands + ReLU, concatenated."""

    def __init__(self, cin, squeeze, expand):
        super().__init__()
        self.squeeze = nn.Sequential(nn.Conv2d(cin, squeeze, 1, bias=False), nn.BatchNorm2d(squeeze), nn.ReLU())
        self.expand1 = nn.Sequential(nn.Conv2d(squeeze, expand, 1, bias=False), nn.BatchNorm2d(expand), nn.ReLU())
        self.expand3 = nn.Sequential(nn.Conv2d(squeeze, expand, 3, padding=1, bias=False), nn.BatchNorm2d(expand),
                                     nn.ReLU())

    def forward(self, x):
        x = self.squeeze(x)
        return torch.cat([self.expand1(x), self.expand3(x)], 1)


def squeeze_network():
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                         Fire(16, 8, 16), Fire(32, 8, 16), nn.MaxPool2d(2), Fire(32, 16, 32),
                         nn.Conv2d(64, 10, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())


ARCHITECTURES = {"cnn": (network, "digits.onnx"), "squeeze": (squeeze_network, "digits_squeeze.onnx")}


def to_input(images, mean, std):
    """uint8 NHWC (stored) → float32 NCHW network input."""
    x = images.astype(np.float32).transpose(0, 3, 1, 2) / 240.0
    return ((x - mean) / std).astype(np.float32)


def train(model, x, y):
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = EPOCHS * (len(y) // BATCH)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    generator = torch.Generator().manual_seed(TORCH_SEED)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(EPOCHS):
        order = torch.randperm(len(y), generator=generator)
        total = 0.0
        for start in range(0, len(y) - BATCH + 1, BATCH):
            index = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * BATCH
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1}: train loss {total / len(y):.4f}")
    model.eval()


def accuracy(logits, labels):
    return float((np.argmax(logits, axis=1) == labels).mean())


def export(model, path):
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), str(path), opset_version=13, dynamo=False,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


def main():
    parser = argparse.ArgumentParser(description="train and export the digits example")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "examples" / "digits"))
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="cnn")
    arguments = parser.parse_args()
    out = pathlib.Path(arguments.out)
    make_network, model_name = ARCHITECTURES[arguments.arch]
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(TORCH_SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    data = split_digits()
    train_scaled = data["train"][0].astype(np.float64) / 240.0
    mean, std = float(train_scaled.mean()), float(train_scaled.std())
    print(f"preprocessing: scale 1/240, mean {mean:.6f}, std {std:.6f}")
    inputs = {name: to_input(images, mean, std) for name, (images, _) in data.items()}

    model = make_network()
    train(model, torch.from_numpy(inputs["train"]), torch.from_numpy(data["train"][1]))
    results = {}
    with torch.no_grad():
        for name in SPLIT:
            results[name] = accuracy(model(torch.from_numpy(inputs[name])).numpy(), data[name][1])
    print("torch accuracy:", json.dumps(results))

    model_path = out / model_name
    export(model, model_path)
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    ort_accuracy = {name: accuracy(session.run(None, {"input": inputs[name]})[0], data[name][1]) for name in SPLIT}
    print("onnxruntime accuracy:", json.dumps(ort_accuracy))
    if ort_accuracy != results:
        raise SystemExit("onnxruntime and torch disagree on the exported model")
    if arguments.arch != "cnn":
        return

    for name, prefix in (("calibration", "calib"), ("validation", "val")):
        np.save(out / f"{prefix}_images.npy", data[name][0])
        np.save(out / f"{prefix}_labels.npy", data[name][1])
    (out / "README.md").write_text(readme(mean, std, results))


def readme(mean, std, results):
    """The example's README, with this run's numbers."""
    percent = {name: f"{100 * value:.2f}%" for name, value in results.items()}
    return f"""# Example: 8×8 digits

A small CNN trained on scikit-learn's `load_digits` by `Scripts/train-digits.py` (torch; run once,
not in CI), with everything lapq needs to calibrate it.

| file | contents |
|---|---|
| `digits.onnx` | the float model, opset 13, input `input` (batch, 1, 8, 8), output `logits` (batch, 10) |
| `digits_squeeze.onnx` | a second model on the same data: SqueezeNet-style (fire modules, 1×1 classifier conv + ReLU, global average pool), written by `Scripts/train-digits.py --arch squeeze`; float top-1 98.49% calibration, 97.5% validation |
| `calib_images.npy`, `calib_labels.npy` | calibration set: {SPLIT["calibration"]} images, uint8 NHWC (N, 8, 8, 1), int64 labels |
| `val_images.npy`, `val_labels.npy` | validation set: {SPLIT["validation"]} images, same layout |

## Data and split

`load_digits` has 1797 grey 8×8 images with values 0–16. They are stored as value × {PIXEL_SCALE}
(0–240) in uint8. The samples are shuffled with `numpy.random.default_rng({SPLIT_SEED}).permutation(1797)`
and cut in that order: the first {SPLIT["train"]} train the network (not shipped), the next
{SPLIT["calibration"]} are the calibration set, the last {SPLIT["validation"]} the validation set.

## Preprocessing (for the manifest)

x = (v · scale − mean) / std with v the stored value:

- scale = 1/240 = {1 / 240:.10f}
- mean = {mean:.6f} (pixel mean of the training images after scaling)
- std = {std:.6f} (their standard deviation)

## Model

Conv 1→16 3×3 pad 1 + BatchNorm + ReLU → Conv 16→32 3×3 pad 1 + BatchNorm + ReLU →
MaxPool 2×2 → Conv 32→32 3×3 pad 1 + BatchNorm + ReLU → global average pool → Flatten →
Linear 32→10. Adam (lr 3e-3, weight decay 1e-4), cosine schedule, {EPOCHS} epochs of batch {BATCH},
seed {TORCH_SEED}, one thread, deterministic algorithms. Exported with the TorchScript exporter
(`dynamo=False`), which folds the batch norms into the convolutions.

## Float accuracy

| split | torch = onnxruntime |
|---|---|
| train | {percent["train"]} |
| calibration | {percent["calibration"]} |
| validation | {percent["validation"]} |

lapq's importer and `Executor` reproduce the validation accuracy
(`Tests/LAPQEngineTests/Export/DigitsExampleTests.swift`).
"""

if __name__ == "__main__":
    main()
