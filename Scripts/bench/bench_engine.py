"""Helper of Scripts/bench/bench-engine: builds the benchmark models and times onnxruntime on them.

  bench_engine.py model OUT.onnx [--arch resnet18|mobilenet_v2] [--seed S]
      resnet18 (the default; seed 18): torchvision resnet18's layer shapes, 224x224 input, 1000
      classes: Conv+BatchNormalization+Relu, basic blocks with residual Add, 1x1 stride-2
      downsample convs, MaxPool, GlobalAveragePool, Flatten, Gemm.
      mobilenet_v2 (seed 2): torchvision mobilenet_v2's layer shapes (width 1.0), 224x224 input,
      1000 classes: a Conv+BatchNormalization+ReLU6 stem (ReLU6 = Clip 0..6), inverted residual
      blocks (1x1 expansion + ReLU6 except in the first, depthwise 3x3 + ReLU6, linear 1x1
      projection; residual Add when stride 1 and channels match), 1x1 to 1280 + ReLU6,
      GlobalAveragePool, Flatten, Gemm. The projections have no activation, so the next
      block's input and the residual Adds are signed.
      Random weights from a seeded numpy Generator (He-normal convs, BN statistics near
      identity), so the file is the same on every machine for one seed.

  bench_engine.py onnxruntime MODEL --batch B --threads T [--warmup W] [--runs R]
      Prints one line "onnxruntime-fp32 threads=T batch=B img/s=<median> runs=<all>" with
      intra_op_num_threads = T (inter-op 1, sequential execution, all graph optimizations).

  bench_engine.py onnxruntime-int8 MODEL --batch B --threads T [--warmup W] [--runs R]
      The same timing of MODEL quantized by onnxruntime.quantization.quantize_static: QDQ
      format, activations QUInt8, weights QInt8, per tensor, MinMax calibration over 4 batches
      of 8 images, after quant_pre_process (BatchNormalization folded, shapes inferred). The
      quantized model is cached next to MODEL (a.onnx -> a.int8.onnx) and rebuilt only when
      missing or older than MODEL. Prints "onnxruntime-int8 threads=T batch=B img/s=... runs=...".

  bench_engine.py table < RESULTS
      Reads the result lines of Scripts/bench/bench-engine (lapq-bench's and the onnxruntime
      commands' key=value lines with model= and, for lapq, isa= appended; "cpu ..." and
      "onednn-isa ISA ..." info lines) and prints per model and ISA a Markdown table: per
      engine and thread count the median over all timed runs, the ratio of every lapq engine
      to onnxruntime FP32 and of lapq's int8 path to onnxruntime int8; then the sweep with and
      without prefix reuse.

The onnxruntime input is a seeded gaussian batch (values do not change the cost of a float
network); the int8 calibration images are the first 32 of the same seeded stream, so at batch
32 they are the timed batch itself.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from onnxruntime import quantization

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures"))
from fixture_models import Net  # noqa: E402  (shared onnx.helper model builder)

OPSET = 13
INPUT_SHAPE = (3, 224, 224)
INPUT_SEED = 0
CALIBRATION_BATCHES, CALIBRATION_BATCH = 4, 8
# torchvision resnet18: (channels, first stride) per stage, two BasicBlocks each.
STAGES = [(64, 1), (128, 2), (256, 2), (512, 2)]
# torchvision mobilenet_v2: (expansion t, channels c, blocks n, first stride s).
INVERTED_RESIDUALS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                      (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


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
    return classifier_model(net, x, channels, "resnet18_bench")


class MobileNet(Net):
    """Net with ReLU6: Clip between two shared scalar initializers, 0 and 6."""

    def __init__(self, rng):
        super().__init__(rng)
        self.relu6_bounds = [self.const("relu6_min", np.array(0, np.float32)),
                             self.const("relu6_max", np.array(6, np.float32))]

    def conv_bn_relu6(self, x, cin, cout, kernel=1, stride=1, group=1):
        y = self.conv_bn(x, cin, cout, kernel=kernel, stride=stride, pad=kernel // 2, group=group)
        return self.node("Clip", [y, *self.relu6_bounds])


def inverted_residual(net, x, cin, cout, stride, expansion):
    hidden = cin * expansion
    y = net.conv_bn_relu6(x, cin, hidden) if expansion != 1 else x
    y = net.conv_bn_relu6(y, hidden, hidden, kernel=3, stride=stride, group=hidden)
    y = net.conv_bn(y, hidden, cout, kernel=1, pad=0)
    return net.node("Add", [x, y]) if stride == 1 and cin == cout else y


def mobilenet_v2(seed):
    net = MobileNet(np.random.default_rng(seed))
    x = net.conv_bn_relu6("input", 3, 32, kernel=3, stride=2)
    channels = 32
    for expansion, width, blocks, first_stride in INVERTED_RESIDUALS:
        for block in range(blocks):
            x = inverted_residual(net, x, channels, width, first_stride if block == 0 else 1, expansion)
            channels = width
    x = net.conv_bn_relu6(x, channels, 1280)
    return classifier_model(net, x, 1280, "mobilenet_v2_bench")


def classifier_model(net, x, channels, name):
    """GlobalAveragePool, Flatten and a 1000-class Gemm on x; the checked model."""
    x = net.node("Flatten", [net.node("GlobalAveragePool", [x])], axis=1)
    weight = net.random("fc_W", (1000, channels))
    bias = net.const("fc_B", (net.rng.standard_normal(1000) * 0.01).astype(np.float32))
    logits = net.node("Gemm", [x, weight, bias], transB=1)
    graph = helper.make_graph(
        net.nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *INPUT_SHAPE])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["N", 1000])],
        net.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="lapq-bench")
    onnx.checker.check_model(model)
    return model


ARCHITECTURES = {"resnet18": (resnet18, 18), "mobilenet_v2": (mobilenet_v2, 2)}


def gaussian_images(count, image_shape):
    """The first `count` images (C, H, W) of the seeded gaussian stream every onnxruntime input
    comes from."""
    return np.random.default_rng(INPUT_SEED).standard_normal((count, *image_shape)).astype(np.float32)


def image_shape(graph_input):
    """The (C, H, W) of a model input whose first axis is the batch."""
    return tuple(d.dim_value for d in graph_input.type.tensor_type.shape.dim[1:])


class CalibrationBatches(quantization.CalibrationDataReader):
    """The calibration feeds: CALIBRATION_BATCHES batches of the first seeded images."""

    def __init__(self, graph_input):
        images = gaussian_images(CALIBRATION_BATCHES * CALIBRATION_BATCH, image_shape(graph_input))
        self.feeds = iter([{graph_input.name: batch} for batch in np.split(images, CALIBRATION_BATCHES)])

    def get_next(self):
        return next(self.feeds, None)


def int8_model(model):
    """The path of MODEL's QDQ int8 version, quantized now unless cached and newer than MODEL."""
    output = model.removesuffix(".onnx") + ".int8.onnx"
    if os.path.exists(output) and os.path.getmtime(output) >= os.path.getmtime(model):
        return output
    print(f"quantizing {model} -> {output} (onnxruntime quantize_static, QDQ, MinMax)", file=sys.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        prepared, quantized = os.path.join(scratch, "prepared.onnx"), os.path.join(scratch, "int8.onnx")
        quantization.quant_pre_process(model, prepared, skip_symbolic_shape=True)
        graph_input = onnx.load(prepared).graph.input[0]
        quantization.quantize_static(
            prepared, quantized, CalibrationBatches(graph_input), quant_format=quantization.QuantFormat.QDQ,
            activation_type=quantization.QuantType.QUInt8, weight_type=quantization.QuantType.QInt8,
            per_channel=False, calibrate_method=quantization.CalibrationMethod.MinMax)
        os.replace(quantized, output)
    return output


def time_session(model, batch, threads, warmup, runs):
    """Images/s of `runs` timed runs of one onnxruntime session on a seeded batch."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    graph_input = onnx.load(model, load_external_data=False).graph.input[0]
    feed = {graph_input.name: gaussian_images(batch, image_shape(graph_input))}
    for _ in range(warmup):
        session.run(None, feed)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        rates.append(batch / (time.perf_counter() - start))
    return rates


def parse_results(lines):
    """Rates {(model, isa, engine, threads): [rates]} (isa None for onnxruntime), sweep fields
    {(model, name): fields}, and the info lines: {"cpu": text, ISA: oneDNN's isa line}."""
    rates, sweeps, info = {}, {}, {}
    for line in lines:
        name, _, rest = line.partition(" ")
        if name == "cpu":
            info["cpu"] = rest
            continue
        if name == "onednn-isa":
            isa, _, text = rest.partition(" ")
            info[isa] = text
            continue
        if "=" not in rest:
            continue
        fields = dict(pair.split("=", 1) for pair in rest.split())
        model = fields.get("model", "-")
        if name.startswith("sweep"):
            sweeps[(model, name)] = fields
            continue
        key = (model, fields.get("isa"), name, int(fields["threads"]))
        rates.setdefault(key, []).extend(float(r) for r in fields["runs"].split(","))
        info[("batch", model)] = fields.get("batch", "?")
    return rates, sweeps, info


def print_rate_table(rates, model, isa):
    """One model's table for one ISA: lapq's engines under it, onnxruntime's (ISA-free) beside;
    every engine the model has a line of gets a column ("-" where it has no number)."""
    medians = {(name, threads): statistics.median(values) for (m, i, name, threads), values in rates.items()
               if m == model and i in (isa, None)}
    engines = sorted({name for m, _, name, _ in rates if m == model},
                     key=lambda n: (not n.startswith("lapq-fp32"), n))
    ratios = [(n, "onnxruntime-fp32") for n in engines if n.startswith("lapq-")]
    ratios += [(n, "onnxruntime-int8") for n in engines if n.startswith("lapq-w") and not n.endswith("-f32")]
    ratios += [(n.split("@")[0], n) for n in engines if "@" in n]   # now / a baseline commit (BASELINE_REV)
    print("| threads | " + " | ".join(f"{n} img/s" for n in engines)
          + "".join(f" | {n} / {reference}" for n, reference in ratios) + " |")
    print("|---" * (1 + len(engines) + len(ratios)) + "|")
    for threads in sorted({t for _, t in medians}):
        row = [f"{medians[(n, threads)]:.1f}" if (n, threads) in medians else "-" for n in engines]
        for n, reference in ratios:
            value, base = medians.get((n, threads)), medians.get((reference, threads))
            row.append(f"{value / base:.2f}" if value is not None and base else "-")
        print(f"| {threads} | " + " | ".join(row) + " |")


def print_sweep(sweeps, model):
    if not {(model, "sweep-reuse"), (model, "sweep-no-reuse")} <= sweeps.keys():
        return
    reuse, plain = sweeps[(model, "sweep-reuse")], sweeps[(model, "sweep-no-reuse")]
    same = "yes" if reuse["loss-checksum"] == plain["loss-checksum"] else "NO"
    print(f"\n{model} coordinate sweep ({reuse['points']} points, {reuse['evaluations']} evaluations x "
          f"{reuse['batches']} batches of {reuse['batch']}, {reuse['threads']} threads, ISA "
          f"{reuse.get('isa', 'native')}): MACs saved by prefix reuse {100 * float(reuse['saved-macs']):.1f}%, "
          f"{float(reuse['img/s']):.1f} img/s with reuse vs {float(plain['img/s']):.1f} without "
          f"({float(reuse['img/s']) / float(plain['img/s']):.2f}x); losses identical: {same}")


def print_tables(lines):
    rates, sweeps, info = parse_results(lines)
    if "cpu" in info:
        print(f"CPU: {info['cpu']}")
    models = list(dict.fromkeys(model for model, _, _, _ in rates))
    isas = list(dict.fromkeys(isa for _, isa, _, _ in rates if isa is not None)) or [None]
    for model in models:
        for isa in isas:
            dispatch = f" (oneDNN: {info[isa]})" if isa in info else ""
            print(f"\n### {model}, batch {info.get(('batch', model), '?')}, ISA {isa or '-'}{dispatch}\n")
            print_rate_table(rates, model, isa)
        print_sweep(sweeps, model)


def print_timing(name, model, arguments):
    rates = time_session(model, arguments.batch, arguments.threads, arguments.warmup, arguments.runs)
    print(f"{name} threads={arguments.threads} batch={arguments.batch} "
          f"img/s={statistics.median(rates):.2f} runs={','.join(f'{r:.2f}' for r in rates)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("model")
    build.add_argument("output")
    build.add_argument("--arch", choices=ARCHITECTURES, default="resnet18")
    build.add_argument("--seed", type=int, help="default: 18 for resnet18, 2 for mobilenet_v2")
    for command in ("onnxruntime", "onnxruntime-int8"):
        timing = commands.add_parser(command)
        timing.add_argument("model")
        timing.add_argument("--batch", type=int, default=32)
        timing.add_argument("--threads", type=int, default=1)
        timing.add_argument("--warmup", type=int, default=2)
        timing.add_argument("--runs", type=int, default=5)
    commands.add_parser("table")
    arguments = parser.parse_args()
    if arguments.command == "table":
        print_tables(sys.stdin.read().splitlines())
    elif arguments.command == "model":
        build_model, default_seed = ARCHITECTURES[arguments.arch]
        seed = default_seed if arguments.seed is None else arguments.seed
        onnx.save(build_model(seed), arguments.output)
    elif arguments.command == "onnxruntime":
        print_timing("onnxruntime-fp32", arguments.model, arguments)
    else:
        print_timing("onnxruntime-int8", int8_model(arguments.model), arguments)


if __name__ == "__main__":
    main()
