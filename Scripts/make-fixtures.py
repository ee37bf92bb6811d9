#!/usr/bin/env python3
"""Builds the ONNX fixtures of Tests/LAPQEngineTests/Fixtures and their onnxruntime goldens.

Every model is built with onnx.helper from seeded random weights (no torch), run once with
onnxruntime on one thread, and written as:
  <name>.onnx            the model (plus <name>.weights for the external-data fixture)
  <name>.input.f32       the input, raw little-endian float32, C order
  <name>.output<k>.f32   onnxruntime's output k, same encoding
and described in index.json (files, shapes, expected node count after lapq's import rewrites,
and the Conv/Gemm/MatMul node names in topological order).

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

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "LAPQEngineTests", "Fixtures")
IR_VERSION = 8
REMOVED_OPS = {"Identity", "Dropout", "Constant"}
QUANTIZABLE_OPS = {"Conv", "Gemm", "MatMul"}


def expected_node_count(graph):
    """Nodes left after lapq's rewrites: Constant/Identity/Dropout go, and a BatchNormalization
    goes when it reads a Conv output that nothing else reads (seen through Identity/Dropout)."""
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
    count = 0
    for node in graph.node:
        if node.op_type in REMOVED_OPS:
            continue
        if node.op_type == "BatchNormalization":
            source = alias.get(node.input[0], node.input[0])
            producer = producers.get(source)
            if producer is not None and producer.op_type == "Conv" and readers.get(source) == 1:
                continue
        count += 1
    return count


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


def run_onnxruntime(model_path, feed):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
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
        "expectedNodeCount": expected_node_count(graph),
        "quantizableNodes": [n.name for n in graph.node if n.op_type in QUANTIZABLE_OPS],
    }
    entry.update({key: value for key, value in extras.items() if key != "external_data"})
    if extras.get("external_data"):
        entry["externalData"] = f"{name}.weights"
    return entry


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    for existing in os.listdir(FIXTURES):
        if existing.endswith((".onnx", ".f32", ".weights")) or existing == "index.json":
            os.remove(os.path.join(FIXTURES, existing))
    index = [build_fixture(spec, seed) for seed, spec in enumerate(MODELS)]
    with open(os.path.join(FIXTURES, "index.json"), "w") as handle:
        json.dump({"fixtures": index}, handle, indent=2, sort_keys=True)
        handle.write("\n")
    total = sum(os.path.getsize(os.path.join(FIXTURES, f)) for f in os.listdir(FIXTURES))
    print(f"wrote {len(index)} fixtures, {total} bytes, to {os.path.normpath(FIXTURES)}")


if __name__ == "__main__":
    main()
