"""Helper of Scripts/bench-engine: builds the benchmark model and times onnxruntime on it.

  bench_engine.py model OUT.onnx [--seed S]
      A ResNet-18-shaped network (torchvision's layer shapes, 224x224 input, 1000 classes):
      Conv+BatchNormalization+Relu, basic blocks with residual Add, 1x1 stride-2 downsample
      convs, MaxPool, GlobalAveragePool, Flatten, Gemm. Random weights from a seeded numpy
      Generator (He-normal convs, BN statistics near identity), so the file is the same on
      every machine for one seed.

  bench_engine.py onnxruntime MODEL --batch B --threads T [--warmup W] [--runs R]
      Prints one line "onnxruntime-fp32 threads=T batch=B img/s=<median> runs=<all>" with
      intra_op_num_threads = T (inter-op 1, sequential execution, all graph optimizations).

  bench_engine.py table < RESULTS
      Reads the result lines of lapq-bench and of the onnxruntime command (key=value fields)
      and prints a Markdown table: per engine and thread count the median over all timed
      runs, the ratio lapq fake-quant / onnxruntime FP32, and the sweep with and without
      prefix reuse.

The onnxruntime input is a seeded gaussian batch (values do not change the cost of a float
network).
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_models import Net  # noqa: E402  (shared onnx.helper model builder)

OPSET = 13
# torchvision resnet18: (channels, first stride) per stage, two BasicBlocks each.
STAGES = [(64, 1), (128, 2), (256, 2), (512, 2)]


def conv_bn(net, x, cin, cout, kernel, stride, relu):
    y = net.conv(x, cin, cout, kernel=kernel, stride=stride, pad=kernel // 2, bias=False)
    y = net.bn(y, cout)
    return net.node("Relu", [y]) if relu else y


def basic_block(net, x, cin, cout, stride):
    y = conv_bn(net, x, cin, cout, 3, stride, relu=True)
    y = conv_bn(net, y, cout, cout, 3, 1, relu=False)
    shortcut = x
    if stride != 1 or cin != cout:
        shortcut = conv_bn(net, x, cin, cout, 1, stride, relu=False)
    return net.node("Relu", [net.node("Add", [y, shortcut])])


def resnet18(seed):
    net = Net(np.random.default_rng(seed))
    x = conv_bn(net, "input", 3, 64, 7, 2, relu=True)
    x = net.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    channels = 64
    for width, stride in STAGES:
        x = basic_block(net, x, channels, width, stride)
        x = basic_block(net, x, width, width, 1)
        channels = width
    x = net.node("Flatten", [net.node("GlobalAveragePool", [x])], axis=1)
    weight = net.random("fc_W", (1000, channels))
    bias = net.const("fc_B", (net.rng.standard_normal(1000) * 0.01).astype(np.float32))
    logits = net.node("Gemm", [x, weight, bias], transB=1)
    graph = helper.make_graph(
        net.nodes, "resnet18_bench",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 224, 224])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["N", 1000])],
        net.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="lapq-bench")
    onnx.checker.check_model(model)
    return model


def time_onnxruntime(model, batch, threads, warmup, runs):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    images = np.random.default_rng(0).standard_normal((batch, 3, 224, 224)).astype(np.float32)
    for _ in range(warmup):
        session.run(None, {name: images})
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, {name: images})
        rates.append(batch / (time.perf_counter() - start))
    return rates


def parse_results(lines):
    """{(name, threads): [rates]} over all lines, and the sweep lines' fields by name."""
    rates, sweeps = {}, {}
    for line in lines:
        name, *pairs = line.split()
        if "=" not in "".join(pairs):
            continue
        fields = dict(pair.split("=", 1) for pair in pairs)
        if name.startswith("sweep"):
            sweeps[name] = fields
            continue
        key = (name, int(fields["threads"]))
        rates.setdefault(key, []).extend(float(r) for r in fields["runs"].split(","))
    return rates, sweeps


def print_table(lines):
    rates, sweeps = parse_results(lines)
    engines = sorted({name for name, _ in rates}, key=lambda n: (not n.startswith("lapq-fp32"), n))
    quantized = [n for n in engines if n.startswith("lapq-w")]
    print("| threads | " + " | ".join(f"{n} img/s" for n in engines)
          + "".join(f" | {n} / onnxruntime-fp32" for n in quantized) + " |")
    print("|---" * (1 + len(engines) + len(quantized)) + "|")
    for threads in sorted({t for _, t in rates}):
        medians = {n: statistics.median(rates[(n, threads)]) for n in engines if (n, threads) in rates}
        row = [f"{medians[n]:.1f}" if n in medians else "-" for n in engines]
        reference = medians.get("onnxruntime-fp32")
        row += [f"{medians[n] / reference:.2f}" if reference and n in medians else "-" for n in quantized]
        print(f"| {threads} | " + " | ".join(row) + " |")
    if {"sweep-reuse", "sweep-no-reuse"} <= sweeps.keys():
        reuse, plain = sweeps["sweep-reuse"], sweeps["sweep-no-reuse"]
        same = "yes" if reuse["loss-checksum"] == plain["loss-checksum"] else "NO"
        print(f"\nCoordinate sweep ({reuse['points']} points, {reuse['evaluations']} evaluations x "
              f"{reuse['batches']} batches of {reuse['batch']}, {reuse['threads']} threads): "
              f"MACs saved by prefix reuse {100 * float(reuse['saved-macs']):.1f}%, "
              f"{float(reuse['img/s']):.1f} img/s with reuse vs {float(plain['img/s']):.1f} without "
              f"({float(reuse['img/s']) / float(plain['img/s']):.2f}x); losses identical: {same}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("model")
    build.add_argument("output")
    build.add_argument("--seed", type=int, default=18)
    timing = commands.add_parser("onnxruntime")
    timing.add_argument("model")
    timing.add_argument("--batch", type=int, default=32)
    timing.add_argument("--threads", type=int, default=1)
    timing.add_argument("--warmup", type=int, default=2)
    timing.add_argument("--runs", type=int, default=5)
    commands.add_parser("table")
    arguments = parser.parse_args()
    if arguments.command == "table":
        print_table(sys.stdin.read().splitlines())
        return
    if arguments.command == "model":
        onnx.save(resnet18(arguments.seed), arguments.output)
        return
    rates = time_onnxruntime(arguments.model, arguments.batch, arguments.threads,
                             arguments.warmup, arguments.runs)
    print(f"onnxruntime-fp32 threads={arguments.threads} batch={arguments.batch} "
          f"img/s={statistics.median(rates):.2f} runs={','.join(f'{r:.2f}' for r in rates)}")


if __name__ == "__main__":
    main()
