#!/usr/bin/env python3
"""Cross-checks a QDQ model written by lapq's QDQExporter against lapq's own fake-quant logits.

usage: check-qdq.py MODEL.onnx INPUT.f32 LAPQ_OUTPUT.f32 [--tolerance T] [--near-tie E]
                    [--min-exact F] [--activations DIR]

INPUT.f32 is the batch (raw little-endian float32, the model's input layout; the batch size
follows from the file size), or a lapq data manifest (.json) whose images are preprocessed as
lapq does; LAPQ_OUTPUT.f32 is what lapq's Executor computed for it (raw
float32, the shape of the model's first output). The model is checked with onnx.checker and
run with onnxruntime's default session options (all graph optimizations on), as a user runs
it; lapq writes quantized biases as int32 + DequantizeLinear itself, so onnxruntime's
WeightBiasQuantization pass has nothing to rewrite. Per sample:

- *exact*: every logit within T · max(1, max |lapq logits|), and the same top-1 (numpy.argmax)
  or two top-1 classes whose logits tie within that limit in both runs;
- *explained*: not exact, but some activation that the model quantizes lies within E steps of
  a rounding boundary for that sample (|x/Δ − ⌊x/Δ⌋ − 1/2| < E, inside the clip range): a
  different summation order may round it the other way, and the difference propagates;
- *unexplained*: anything else.

With --activations DIR (what `lapq-coord evaluate --activations` wrote for the same batch) the
explanation is exact rather than statistical, against onnxruntime's unoptimized run (the QDQ
graph's reference semantics, whose intermediate values can be read): a sample is *explained*
only when lapq's logits equal that run's (onnxruntime's optimized kernels then rounded a tie
unlike onnxruntime itself), or when, at the first activation point (in lapq's order) whose
codes differ between lapq and that run, every differing value lies within E steps of a
rounding boundary in both. Everything before that point then agreed code for code, so the
difference started at a tie and merely grew.

Exits 0 when no sample is unexplained and at least a fraction F of the samples is exact (a
wrong grid makes nearly every sample differ, and nearly every sample of a large network has
some near tie, so ties alone must not excuse everything); 1 otherwise, saying why; 2 when the
files do not fit together.
"""
import argparse
import json
import pathlib
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def session(model, optimize):
    """An onnxruntime CPU session on one thread: default optimizations, or none (for probes)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize
                                        else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def network_input(manifest_path):
    """(network input float32 NCHW, labels) of a lapq data manifest, preprocessed as lapq does
    (docs/formats.md)."""
    manifest = json.loads(pathlib.Path(manifest_path).read_text())
    base = pathlib.Path(manifest_path).parent
    images = np.load(base / manifest["images"]["file"])
    labels = np.load(base / manifest["labels"]["file"]).astype(np.int64)
    pre = manifest.get("preprocessing", {})
    scale = pre.get("scale", 1.0)
    if manifest["images"]["layout"] == "NHWC-uint8":
        images = images.transpose(0, 3, 1, 2)
    channels = images.shape[1]
    mean = np.broadcast_to(np.asarray(pre.get("mean", [0.0]), dtype=np.float64), (channels,))
    std = np.broadcast_to(np.asarray(pre.get("std", [1.0]), dtype=np.float64), (channels,))
    x = (images.astype(np.float64) * scale - mean[None, :, None, None]) / std[None, :, None, None]
    return x.astype(np.float32), labels


def read_batch(path, sample_shape):
    if str(path).endswith(".json"):
        return network_input(path)[0]
    values = np.fromfile(path, dtype="<f4")
    sample = int(np.prod(sample_shape))
    if values.size == 0 or values.size % sample:
        raise ValueError(f"{path}: {values.size} floats is not a whole number of samples of shape {sample_shape}")
    return values.reshape([values.size // sample] + list(sample_shape))


# The codes each QuantizeLinear zero-point type holds; QuantizeLinear saturates to them.
CODE_RANGES = {onnx.TensorProto.INT8: (-128, 127), onnx.TensorProto.UINT8: (0, 255),
               onnx.TensorProto.INT4: (-8, 7), onnx.TensorProto.UINT4: (0, 15)}


def code_type_of(node, constants):
    """The element type a QuantizeLinear writes: its zero point's, else its output_dtype
    attribute (QuantizeLinear-21; lapq's 4-bit chains give the type that way), else uint8."""
    if len(node.input) > 2 and node.input[2]:
        return constants[node.input[2]].data_type
    attributes = {a.name: a.i for a in node.attribute}
    return attributes.get("output_dtype", 0) or onnx.TensorProto.UINT8


def activation_quantizers(model):
    """(tensor, Δ, qmin, qmax) for every QuantizeLinear of an activation, in the forms lapq
    writes: Q → Clip(qmin, qmax) on 8-bit codes → DQ, and Q → DQ on 4-bit codes, whose type's
    saturation is the clamp (a Clip on the float input, where lapq's grid is narrower, bounds
    the tensor read here itself: Q's input)."""
    constants = {t.name: t for t in model.graph.initializer}
    clip_of = {n.input[0]: n for n in model.graph.node if n.op_type == "Clip"}
    found = []
    for node in model.graph.node:
        if node.op_type != "QuantizeLinear" or node.input[0] in constants:
            continue
        code_type = code_type_of(node, constants)
        if code_type not in CODE_RANGES:
            raise ValueError(f"QuantizeLinear '{node.name}' writes codes of type {code_type}")
        qmin, qmax = CODE_RANGES[code_type]
        clip = clip_of.get(node.output[0])
        if clip is not None:
            qmin, qmax = (int(numpy_helper.to_array(constants[clip.input[i]])) for i in (1, 2))
        elif code_type in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8):
            raise ValueError(f"QuantizeLinear '{node.name}' to 8-bit codes is not followed by a Clip")
        found.append((node.input[0], np.float32(numpy_helper.to_array(constants[node.input[1]])), qmin, qmax))
    return found


def near_ties(model, batch, epsilon):
    """Per sample: how many quantized activation values lie within epsilon steps of a boundary."""
    quantizers = activation_quantizers(model)
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    for tensor, _, _, _ in quantizers:
        if tensor not in known:
            probe.graph.output.append(onnx.ValueInfoProto(name=tensor))
    runner = session(probe, optimize=False)
    names = [o.name for o in runner.get_outputs()]
    values = dict(zip(names, runner.run(None, {runner.get_inputs()[0].name: batch})))
    counts = np.zeros(batch.shape[0], dtype=np.int64)
    for tensor, step, qmin, qmax in quantizers:
        ratio = (values[tensor] / step).reshape(batch.shape[0], -1)
        inside = (ratio > qmin - 0.5) & (ratio < qmax + 0.5)
        close = np.abs(ratio - np.floor(ratio) - 0.5) < epsilon
        counts += (inside & close).sum(axis=1)
    return counts


def first_divergence(model, batch, folder):
    """onnxruntime's unoptimized run (the QDQ graph's reference semantics, the only run whose
    intermediate values can be read) against lapq's dump: its logits, and per sample (point
    tensor, differing codes, worst distance from a tie in steps) at the first activation point
    whose codes differ, or None."""
    folder = pathlib.Path(folder)
    quantizers = {tensor: (step, qmin, qmax) for tensor, step, qmin, qmax in activation_quantizers(model)}
    points = [p for p in json.loads((folder / "points.json").read_text()) if p["tensor"] in quantizers]
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    for point in points:
        if point["tensor"] not in known:
            probe.graph.output.append(onnx.ValueInfoProto(name=point["tensor"]))
    runner = session(probe, optimize=False)
    values = dict(zip([o.name for o in runner.get_outputs()], runner.run(None, {runner.get_inputs()[0].name: batch})))
    found = [None] * batch.shape[0]
    for point in sorted(points, key=lambda p: p["point"]):
        step, qmin, qmax = quantizers[point["tensor"]]
        ours = np.fromfile(folder / point["file"], dtype="<f4").reshape(batch.shape[0], -1) / step
        theirs = values[point["tensor"]].reshape(batch.shape[0], -1) / step
        for sample in range(batch.shape[0]):
            if found[sample] is not None:
                continue
            differ = (np.clip(np.round(ours[sample]), qmin, qmax) != np.clip(np.round(theirs[sample]), qmin, qmax))
            if differ.any():
                distance = np.maximum(np.abs(ours[sample][differ] - np.floor(ours[sample][differ]) - 0.5),
                                      np.abs(theirs[sample][differ] - np.floor(theirs[sample][differ]) - 0.5))
                found[sample] = (point["tensor"], int(differ.sum()), float(distance.max()))
    return values[runner.get_outputs()[0].name].reshape(batch.shape[0], -1), found


def same_top1(ours, theirs, limit):
    """Per sample: the same argmax, or argmaxes whose logits tie within `limit` in both runs (a
    network whose logits are all but equal, e.g. random weights, has no meaningful top-1)."""
    rows = np.arange(len(ours))
    mine, other = np.argmax(ours, axis=1), np.argmax(theirs, axis=1)
    return (mine == other) | ((ours[rows, mine] - ours[rows, other] <= limit)
                              & (theirs[rows, other] - theirs[rows, mine] <= limit))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("input")
    parser.add_argument("lapq_output")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--near-tie", type=float, default=1e-3)
    parser.add_argument("--min-exact", type=float, default=0.5)
    parser.add_argument("--activations", help="lapq's activation dump of the same batch (exact explanation)")
    args = parser.parse_args()

    model = onnx.load(args.model)
    onnx.checker.check_model(model, full_check=True)
    runner = session(model, optimize=True)
    input_meta = runner.get_inputs()[0]
    try:
        batch = read_batch(args.input, input_meta.shape[1:])
    except ValueError as error:
        print(f"check-qdq: {error}", file=sys.stderr)
        return 2
    ours = runner.run(None, {input_meta.name: batch})[0]
    ours = ours.reshape(batch.shape[0], -1)
    theirs = np.fromfile(args.lapq_output, dtype="<f4")
    if theirs.size != ours.size:
        print(f"check-qdq: {args.lapq_output} holds {theirs.size} floats, onnxruntime produced {ours.size}",
              file=sys.stderr)
        return 2
    theirs = theirs.reshape(ours.shape)

    limit = args.tolerance * max(1.0, float(np.abs(theirs).max()))
    difference = np.abs(ours - theirs).max(axis=1)
    exact = same_top1(ours, theirs, limit) & (difference <= limit)
    if exact.all():
        ties = np.zeros(len(exact), np.int64)
    elif args.activations:
        reference, divergence = first_divergence(model, batch, args.activations)
        # onnxruntime's optimized kernels (QLinearConv…) can round a tie unlike its own reference run.
        like_reference = same_top1(reference, theirs, limit) & (np.abs(reference - theirs).max(axis=1) <= limit)
        ties = np.array([like_reference[i] or (d is not None and d[2] < args.near_tie)
                         for i, d in enumerate(divergence)], dtype=np.int64)
        for sample in np.flatnonzero(~exact):
            where = divergence[sample]
            if like_reference[sample]:
                print(f"check-qdq: sample {sample} equals onnxruntime's unoptimized run, "
                      "which its optimized run differs from")
            elif where:
                print(f"check-qdq: sample {sample} first differs at {where[0]} ({where[1]} codes, "
                      f"{where[2]:.2g} steps from a tie)")
            else:
                print(f"check-qdq: sample {sample}: every activation code agrees, the logits do not")
    else:
        ties = near_ties(model, batch, args.near_tie)
    unexplained = np.flatnonzero(~exact & (ties == 0))
    print(f"check-qdq: {args.model}: {len(exact)} samples, {int(exact.sum())} exact "
          f"(max |Δlogit| {float(difference.max()):.3g}, limit {limit:.3g}), "
          f"{int((~exact & (ties > 0)).sum())} explained by near ties, {len(unexplained)} unexplained")
    if len(unexplained):
        worst = unexplained[np.argmax(difference[unexplained])]
        print(f"check-qdq: FAIL: sample {worst} differs by {difference[worst]:.3g} "
              f"(top-1 {np.argmax(ours[worst])} vs lapq {np.argmax(theirs[worst])}) with no near tie",
              file=sys.stderr)
        return 1
    if exact.mean() < args.min_exact:
        print(f"check-qdq: FAIL: only {exact.mean():.0%} of the samples match exactly "
              f"(need {args.min_exact:.0%}); near ties cannot explain that many", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
