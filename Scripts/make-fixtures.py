#!/usr/bin/env python3
"""Builds the ONNX fixtures of Tests/LAPQEngineTests/Fixtures and their onnxruntime goldens.

Every model is built with onnx.helper from seeded random weights (no torch), run once with
onnxruntime on one thread, and written as:
  <name>.onnx            the model (plus <name>.weights for the external-data fixture)
  <name>.input.f32       the input, raw little-endian float32, C order
  <name>.output<k>.f32   onnxruntime's output k, same encoding
and described in index.json (files, shapes, expected node count after lapq's import rewrites,
and the Conv/Gemm/MatMul node names in topological order).

Every runnable model also gets fake-quantized goldens at W8A8, W4A4 and W2A4, and at W4A4 and
W2A4 with per-channel weights (fixture_fakequant.py builds the quantized ONNX model from the
rules of docs/engine.md and docs/algorithms.md):
  <name>.quant.input.f32           the input they share (8 samples; the float input when the
                                   plan is empty)
  <name>.<w8a8|w4a4|w2a4|w4a4pc|w2a4pc>.output0.f32  onnxruntime's output of the fake-quantized model
described in quantized.json: the plan's points (name, signedness, consumers, checksums of
the integer codes: of each weight, and of each activation per sample as onnxruntime computed
them), the step sizes in plan order (every channel's of a per-channel weight), and per sample the number of near-ties (activation values within 1e-3 Δ of a rounding boundary, where two implementations
may legitimately round differently).

Rerunning regenerates every file byte-identically: python3 Scripts/make-fixtures.py
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_models import MODELS  # noqa: E402
import fixture_fakequant as fq  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "LAPQEngineTests", "Fixtures")
IR_VERSION = 8
REMOVED_OPS = {"Identity", "Dropout", "Constant"}
QUANTIZABLE_OPS = {"Conv", "Gemm", "MatMul"}


FOLDED_OPS = {"Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "ConstantOfShape",
              "Add", "Sub", "Mul", "Div"}


def expected_node_count(model, ranks):
    """Nodes left after lapq's import: Constant/Identity/Dropout go; shape arithmetic (Shape, and
    the FOLDED_OPS on integer constants or folded values) is evaluated away; a
    BatchNormalization goes when it reads a Conv output that nothing else reads (seen through
    Identity/Dropout); LayerNormalization becomes 9 nodes (8 without a bias), Gelu 5, and a
    ReduceMean over every spatial axis a GlobalAveragePool (+ Flatten without keepdims);
    `ranks` gives the rank of each ReduceMean's input."""
    graph = model.graph
    alias = {}
    for node in graph.node:
        if node.op_type in ("Identity", "Dropout"):
            alias[node.output[0]] = alias.get(node.input[0], node.input[0])
    readers = {}
    for node in graph.node:
        if node.op_type not in ("Identity", "Dropout"):
            for name in node.input:
                readers[alias.get(name, name)] = readers.get(alias.get(name, name), 0) + 1
    for output in graph.output:
        readers[alias.get(output.name, output.name)] = readers.get(alias.get(output.name, output.name), 0) + 1
    producers = {out: node for node in graph.node for out in node.output}
    integers = {init.name for init in graph.initializer if init.data_type == TensorProto.INT64}
    count = 0
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute[0].t.data_type == TensorProto.INT64:
            integers.add(node.output[0])
        if node.op_type == "Shape" or (node.op_type in FOLDED_OPS and all(name in integers for name in node.input if name)):
            integers.add(node.output[0])
            continue
        if node.op_type in REMOVED_OPS:
            continue
        if node.op_type == "BatchNormalization":
            source = alias.get(node.input[0], node.input[0])
            producer = producers.get(source)
            if producer is not None and producer.op_type == "Conv" and readers.get(source) == 1:
                continue
        count += composite_size(node, ranks)
    return count


def composite_size(node, ranks):
    """How many lapq nodes one ONNX node becomes."""
    if node.op_type == "LayerNormalization":
        return 9 if len([name for name in node.input if name]) > 2 else 8
    if node.op_type == "Gelu":
        return 5
    if node.op_type == "ReduceMean":
        rank = ranks[node.input[0]]
        axes = next((list(a.ints) for a in node.attribute if a.name == "axes"), None)
        keepdims = next((a.i for a in node.attribute if a.name == "keepdims"), 1)
        if axes is not None and rank >= 3 and sorted(axis % rank for axis in axes) == list(range(2, rank)):
            return 1 if keepdims else 2
    return 1


def declare_output_shapes(model):
    """Builders leave graph output shapes open; copy them from ONNX shape inference (the batch
    stays symbolic), since the checker wants every graph output typed."""
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    known = {info.name: info for info in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for output in model.graph.output:
        output.type.CopyFrom(known[output.name].type)


def write_f32(path, array):
    with open(path, "wb") as handle:
        handle.write(np.ascontiguousarray(array, dtype="<f4").tobytes())


def run_onnxruntime(model, feed):
    """Runs a model (path or serialized bytes) on one thread with graph optimizations off."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return session.run(None, feed)


def build_fixture(spec, seed):
    rng = np.random.default_rng(seed)
    graph, opset, input_shape, extras = spec.build(rng)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="lapq make-fixtures", ir_version=IR_VERSION)
    declare_output_shapes(model)
    onnx.checker.check_model(model)
    name = spec.name
    model_file = f"{name}.onnx"
    model_path = os.path.join(FIXTURES, model_file)
    if extras.get("external_data"):
        onnx.save_model(model, model_path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=f"{name}.weights", size_threshold=0)
    else:
        onnx.save_model(model, model_path)
    data = rng.standard_normal(input_shape).astype(np.float32)
    write_f32(os.path.join(FIXTURES, f"{name}.input.f32"), data)
    results = run_onnxruntime(model_path, {graph.input[0].name: data})
    # ONNX shape inference loses ranks behind a Reshape whose target is computed; run them.
    means = [node.input[0] for node in graph.node if node.op_type == "ReduceMean"]
    mean_inputs = run_onnxruntime(fq.with_outputs(model, means).SerializeToString(),
                                  {graph.input[0].name: data}) if means else []
    ranks = {name: value.ndim for name, value in zip(means, mean_inputs[len(graph.output):])}
    outputs = []
    for index, result in enumerate(results):
        output_file = f"{name}.output{index}.f32"
        write_f32(os.path.join(FIXTURES, output_file), result)
        outputs.append({"file": output_file, "shape": list(result.shape)})
    entry = {
        "name": name,
        "model": model_file,
        "opset": opset,
        "input": {"file": f"{name}.input.f32", "shape": list(input_shape)},
        "outputs": outputs,
        "onnxNodeCount": len(graph.node),
        "expectedNodeCount": expected_node_count(model, ranks),
        "quantizableNodes": [n.name for n in graph.node if n.op_type in QUANTIZABLE_OPS],
    }
    entry.update({key: value for key, value in extras.items() if key != "external_data"})
    if extras.get("external_data"):
        entry["externalData"] = f"{name}.weights"
    return entry, model_path


# (file tag, weight bits, activation bits, per-channel weights)
BIT_WIDTHS = [("w8a8", 8, 8, False), ("w4a4", 4, 4, False), ("w2a4", 2, 4, False),
              ("w4a4pc", 4, 4, True), ("w2a4pc", 2, 4, True)]
QUANT_SAMPLES = 8


def quant_input(entry, canonical, seed):
    """The input of the quantized goldens: fresh samples from their own seeded generator (so the
    float fixtures stay as they were), or the float fixture's input when nothing is quantized."""
    if not fq.plan(canonical, 8, 8):
        return entry["input"]["file"], entry["input"]["shape"]
    shape = [QUANT_SAMPLES, *entry["input"]["shape"][1:]]
    data = np.random.default_rng(1000 + seed).standard_normal(shape).astype(np.float32)
    file = f"{entry['name']}.quant.input.f32"
    write_f32(os.path.join(FIXTURES, file), data)
    return file, shape


def read_f32(file, shape):
    return np.fromfile(os.path.join(FIXTURES, file), dtype="<f4").reshape(shape)


def build_quant_goldens(entry, model_path, seed):
    """One golden per bit width in BIT_WIDTHS for the fixture `entry` (see the module doc)."""
    canonical = fq.Canonical(onnx.load(model_path))
    input_file, input_shape = quant_input(entry, canonical, seed)
    feed = {canonical.graph.input[0].name: read_f32(input_file, input_shape)}
    tensors = [p["tensor"] for p in fq.plan(canonical, 8, 8) if p["kind"] == "activation"]
    float_results = run_onnxruntime(fq.with_outputs(canonical.model, tensors).SerializeToString(), feed)
    activations = dict(zip(tensors, float_results[len(canonical.graph.output):]))
    return [quant_golden(entry["name"], canonical, feed, activations, config, (input_file, input_shape))
            for config in BIT_WIDTHS]


def quant_golden(name, canonical, feed, activations, config, input_file):
    tag, weight_bits, activation_bits, per_channel = config
    points = fq.plan(canonical, weight_bits, activation_bits, per_channel)
    steps = fq.step_sizes(canonical, points, activations)
    model = fq.fake_quant_model(canonical, points, steps)
    quantized = [(p, step) for p, step in zip(points, steps) if p["kind"] == "activation"]
    extra = [p["tensor"] for p, _ in quantized] + [fq.chain_codes_name(p) for p, _ in quantized]
    results = run_onnxruntime(fq.with_outputs(model, extra).SerializeToString(), feed)
    values = dict(zip(extra, results[len(canonical.graph.output):]))
    output_file = f"{name}.{tag}.output0.f32"
    write_f32(os.path.join(FIXTURES, output_file), results[0])
    checksums, point_ties, sums = {}, {}, {}
    for point, step in quantized:
        x = values[point["tensor"]]
        # onnxruntime's Div/Round/Clip must be exactly numpy's x / Δ, rint, clip.
        assert np.array_equal(values[fq.chain_codes_name(point)], fq.codes(x, step, point["bits"], point["signed"]))
        checksums[point["tensor"]] = [fq.code_checksum(sample, step, point["bits"], point["signed"]) for sample in x]
        sums[point["tensor"]] = [int(fq.codes(sample, step, point["bits"], point["signed"]).sum()) for sample in x]
        point_ties[point["tensor"]] = [int(count) for count in fq.near_ties(x, step, point["bits"], point["signed"])]
    ties = np.sum([point_ties[p["tensor"]] for p, _ in quantized] or [np.zeros(len(results[0]), np.int64)], axis=0)
    return {
        "fixture": name, "weightBits": weight_bits, "activationBits": activation_bits,
        "weightGranularity": "per-channel" if per_channel else "per-tensor",
        "input": {"file": input_file[0], "shape": list(input_file[1])},
        "output": {"file": output_file, "shape": list(results[0].shape)},
        "points": [point_entry(canonical, point, step, (checksums, sums, point_ties)) for point, step in zip(points, steps)],
        "stepSizes": fq.flat_steps(steps),
        "nearTies": [int(count) for count in ties],
    }


def point_entry(canonical, point, step, activation_facts):
    """A point as quantized.json lists it; `codeChecksums` has one entry for a weight, one per
    sample for an activation (onnxruntime's codes, fixture_fakequant.code_checksum), and an
    activation has, per sample, the plain sum of its codes and its near-ties."""
    entry = {"name": f"{point['kind']}:{point['tensor']}", "isSigned": point["signed"],
             "consumers": point["consumers"], "bits": point["bits"]}
    if point["kind"] == "weight":
        weight = canonical.initializers[point["tensor"]]
        entry["codeChecksums"] = [fq.code_checksum(weight, step, point["bits"], True)]
    else:
        checksums, sums, ties = activation_facts
        entry["codeChecksums"] = checksums[point["tensor"]]
        entry["codeSums"] = sums[point["tensor"]]
        entry["nearTies"] = ties[point["tensor"]]
    return entry


def write_json(file, value):
    with open(os.path.join(FIXTURES, file), "w") as handle:
        json.dump(value, handle, indent=2, sort_keys=True)
        handle.write("\n")


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    for existing in os.listdir(FIXTURES):
        if existing.endswith((".onnx", ".f32", ".weights")) or existing in ("index.json", "quantized.json"):
            os.remove(os.path.join(FIXTURES, existing))
    index, goldens = [], []
    for seed, spec in enumerate(MODELS):
        entry, model_path = build_fixture(spec, seed)
        index.append(entry)
        if "expectedError" not in entry:
            goldens += build_quant_goldens(entry, model_path, seed)
    write_json("index.json", {"fixtures": index})
    write_json("quantized.json", {"goldens": goldens})
    total = sum(os.path.getsize(os.path.join(FIXTURES, f)) for f in os.listdir(FIXTURES))
    print(f"wrote {len(index)} fixtures, {total} bytes, to {os.path.normpath(FIXTURES)}")


if __name__ == "__main__":
    main()
