"""Fake-quantized onnxruntime goldens for make-fixtures.py, written from the rules of
docs/engine.md ("Quantization points") independently of the Swift code.

A model first goes through the rewrites lapq's importer does (Identity/Dropout removed, a
BatchNormalization folded into the Conv it follows when nothing else reads that Conv's
output, with the same Float64 arithmetic), because lapq quantizes the folded weight. On that
graph the plan is: for every Conv/Gemm/MatMul with a constant weight except the first and
last such layer, a signed `weight` point on the weight and an `activation` point on the tensor
it reads as operand 0 (one per tensor, shared by its quantized consumers; unsigned when the
producer cannot output negatives). The fake-quantized model replaces each quantized weight by
its numpy fake-quantized value and feeds each activation point's quantized consumers through
Div(Δ) → Round → Clip(qmin, qmax) → Mul(Δ); other readers keep the float tensor. The constant
bias of a layer whose input and weight are both quantized is replaced by its int32
quantization at s = Δx · Δw (docs/algorithms.md, "Bias quantization"), computed in numpy.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WEIGHTED_OPS = ("Conv", "Gemm", "MatMul")
PASS_THROUGH_OPS = ("Identity", "Dropout")
SIGN_PRESERVING_OPS = ("MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Concat", "Transpose",
                       "Slice", "ReduceMean")
# A value this close (in units of Δ) to a rounding boundary may round either way once
# another implementation computes it with a different summation order.
NEAR_TIE = 1e-3


def qrange(bits, signed):
    """(qmin, qmax) of lapq's symmetric grid: ∓(2^(b−1) − 1) signed, 0…2^b − 1 unsigned."""
    top = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    return (-top if signed else 0), top


def fake_quantize(values, step, bits, signed):
    """clamp(round(x / Δ), qmin, qmax) · Δ in float32, round half to even (numpy's rint)."""
    qmin, qmax = qrange(bits, signed)
    step = np.float32(step)
    codes = np.clip(np.rint(np.asarray(values, np.float32) / step), qmin, qmax)
    return (codes.astype(np.float32) * step).astype(np.float32)


# The int32 codes a bias may take: the upper bound is the largest float32 below 2^31.
BIAS_CODE_RANGE = (-2.0 ** 31, 2.0 ** 31 - 128)


def quantize_bias(bias, input_step, weight_step):
    """b̂ = clamp(round(b / s), int32) · s with s = float32(Δx) · float32(Δw), all in float32."""
    scale = np.float32(input_step) * np.float32(weight_step)
    codes = np.clip(np.rint(np.asarray(bias, np.float32) / scale), *BIAS_CODE_RANGE).astype(np.float32)
    return (codes * scale).astype(np.float32)


def codes(values, step, bits, signed):
    """The integer codes clamp(round(x / Δ), qmin, qmax) as int64."""
    qmin, qmax = qrange(bits, signed)
    return np.clip(np.rint(np.asarray(values, np.float32) / np.float32(step)), qmin, qmax).astype(np.int64)


def code_checksum(values, step, bits, signed):
    """Σ code_i · (i mod 251 + 1) over the C-order values: a fingerprint of the integer codes
    (one changed code always changes it), so a test can compare its own quantization with
    onnxruntime's without the tensors being stored."""
    flat = codes(values, step, bits, signed).ravel()
    return int(np.sum(flat * (np.arange(flat.size, dtype=np.int64) % 251 + 1)))


def near_ties(values, step, bits, signed):
    """Per sample (axis 0): how many values lie within NEAR_TIE of a boundary k + ½ between
    two codes that the clamp keeps apart (qmin ≤ k < qmax)."""
    qmin, qmax = qrange(bits, signed)
    scaled = (np.asarray(values, np.float32) / np.float32(step)).astype(np.float64)
    below = np.floor(scaled)
    tie = (np.abs(scaled - below - 0.5) < NEAR_TIE) & (below >= qmin) & (below < qmax)
    return tie.reshape(tie.shape[0], -1).sum(axis=1)


def _constant_value(node):
    """The value of a Constant node (tensor or float form; other forms are not float bounds)."""
    attribute = node.attribute[0]
    if attribute.name == "value":
        return numpy_helper.to_array(attribute.t)
    return np.float32(attribute.f) if attribute.name == "value_float" else None


class Canonical:
    """A model after lapq's import rewrites, as a new ModelProto plus lookup tables."""

    def __init__(self, model):
        self.model = onnx.ModelProto()
        self.model.CopyFrom(model)
        graph = self.model.graph
        self.initializers = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
        self.constants = {node.output[0]: _constant_value(node) for node in graph.node if node.op_type == "Constant"}
        self._remove_pass_throughs()
        self._fold_batch_norms()
        self._drop_unread_initializers()

    @property
    def graph(self):
        return self.model.graph

    def _remove_pass_throughs(self):
        graph, alias = self.graph, {}
        for node in graph.node:
            if node.op_type in PASS_THROUGH_OPS:
                alias[node.output[0]] = alias.get(node.input[0], node.input[0])
        kept = [node for node in graph.node if node.op_type not in PASS_THROUGH_OPS]
        for node in kept:
            node.input[:] = [alias.get(name, name) for name in node.input]
        for output in graph.output:
            output.name = alias.get(output.name, output.name)
        del graph.node[:]
        graph.node.extend(kept)

    def readers(self, tensor):
        """Non-Constant nodes reading `tensor` (each once) plus graph outputs naming it."""
        nodes = [node for node in self.graph.node if node.op_type != "Constant" and tensor in node.input]
        return len(nodes) + sum(output.name == tensor for output in self.graph.output)

    def _fold_batch_norms(self):
        graph = self.graph
        for bn in [node for node in graph.node if node.op_type == "BatchNormalization"]:
            conv = next((node for node in graph.node if list(node.output) == [bn.input[0]]), None)
            if conv is None or conv.op_type != "Conv" or self.readers(bn.input[0]) != 1:
                continue
            shared = [name for name in conv.input[1:] if self.readers(name) != 1]
            assert not shared, f"{conv.name}: folding shared initializers {shared} is not mirrored here"
            self._fold(conv, bn)

    def _fold(self, conv, bn):
        """W' = W · scale, b' = b · scale + shift, scale = γ / √(var + ε), shift = β − mean ·
        γ / √(var + ε): the importer's Float64 formulas, rounded to float32 where it rounds."""
        gamma, beta, mean, var = (self.initializers[name].astype(np.float64) for name in bn.input[1:5])
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        factor = gamma / np.sqrt(var + np.float64(np.float32(eps)))
        scale = factor.astype(np.float32).astype(np.float64)
        shift = (beta - mean * factor).astype(np.float32).astype(np.float64)
        weight = self.initializers[conv.input[1]]
        folded = weight.astype(np.float64) * scale.reshape(-1, *[1] * (weight.ndim - 1))
        bias_name = conv.input[2] if len(conv.input) > 2 else f"{conv.name}.bias"
        bias = self.initializers.get(bias_name, np.zeros(len(scale), np.float32)).astype(np.float64)
        self.set_initializer(conv.input[1], folded.astype(np.float32))
        self.set_initializer(bias_name, (bias * scale + shift).astype(np.float32))
        conv.input[:] = [conv.input[0], conv.input[1], bias_name]
        conv.output[0] = bn.output[0]
        self.graph.node.remove(bn)

    def _drop_unread_initializers(self):
        read = {name for node in self.graph.node for name in node.input}
        kept = [init for init in self.graph.initializer if init.name in read]
        del self.graph.initializer[:]
        self.graph.initializer.extend(kept)
        self.initializers = {name: value for name, value in self.initializers.items() if name in read}

    def set_initializer(self, name, array):
        self.initializers[name] = array
        kept = [init for init in self.graph.initializer if init.name != name]
        del self.graph.initializer[:]
        self.graph.initializer.extend(kept + [numpy_helper.from_array(array, name)])

    def producer(self, tensor):
        return next((node for node in self.graph.node if tensor in node.output), None)

    def bound(self, node, index, attribute, default):
        """Clip's bound: input `index` (initializer or Constant) from opset 11, else attribute."""
        if len(node.input) > index and node.input[index]:
            name = node.input[index]
            return float(self.initializers.get(name, self.constants.get(name)))
        return next((a.f for a in node.attribute if a.name == attribute), default)

    def is_non_negative(self, tensor):
        producer = self.producer(tensor)
        if producer is None:
            return False
        if producer.op_type in ("Relu", "Sigmoid", "HardSigmoid", "Softmax", "Sqrt"):
            return True
        if producer.op_type == "Clip":
            return self.bound(producer, 1, "min", -np.inf) >= 0
        if producer.op_type in SIGN_PRESERVING_OPS:
            data = producer.input[:1] if producer.op_type in ("Reshape", "Slice", "ReduceMean") else producer.input
            return all(self.is_non_negative(name) for name in data)
        return False


def output_channel_axis(node, weight):
    """The axis of a layer's weight that holds its output channels (docs/algorithms.md,
    "Per-channel weights"): 0 for Conv and transB = 1 Gemm, the last for MatMul and transB = 0
    Gemm."""
    trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
    if node.op_type == "Conv" or (node.op_type == "Gemm" and trans_b):
        return 0
    return weight.ndim - 1


def plan(canonical, weight_bits, activation_bits, per_channel=False):
    """The quantization points in graph order: dicts with kind, tensor, consumers, bits, signed,
    and for a per-channel weight `axis`, its output-channel axis (None when per-tensor)."""
    graph = canonical.graph
    layers = [node for node in graph.node
              if node.op_type in WEIGHTED_OPS and node.input[1] in canonical.initializers]
    points, by_tensor = [], {}
    for node in layers[1:-1]:
        weight = canonical.initializers[node.input[1]]
        points.append({"kind": "weight", "tensor": node.input[1], "consumers": [node.name],
                       "bits": weight_bits, "signed": True,
                       "axis": output_channel_axis(node, weight) if per_channel else None})
        tensor = node.input[0]
        if tensor in by_tensor:
            by_tensor[tensor]["consumers"].append(node.name)
            continue
        by_tensor[tensor] = {"kind": "activation", "tensor": tensor, "consumers": [node.name],
                             "bits": activation_bits, "signed": not canonical.is_non_negative(tensor)}
        points.append(by_tensor[tensor])
    return points


def step_sizes(canonical, points, activations):
    """Δ = 0.8 · max|x| / qmax per point, rounded to float32 (what lapq's quantizers hold): a
    float, or for a per-channel weight a float32 array shaped to broadcast along its axis, with
    max|x| over each channel; `activations` maps each activation point's tensor to its float
    values."""
    steps = []
    for point in points:
        values = canonical.initializers[point["tensor"]] if point["kind"] == "weight" else activations[point["tensor"]]
        top = qrange(point["bits"], point["signed"])[1]
        axis = point.get("axis")
        if axis is None:
            steps.append(float(np.float32(0.8 * float(np.max(np.abs(values))) / top)))
            continue
        others = tuple(i for i in range(values.ndim) if i != axis)
        peaks = np.max(np.abs(values), axis=others, keepdims=True).astype(np.float64)
        steps.append((0.8 * np.where(peaks > 0, peaks, 1.0) / top).astype(np.float32))
    return steps


def flat_steps(steps):
    """The step vector in lapq's layout: one float per point, every channel's of a per-channel one."""
    return [float(x) for step in steps for x in np.ravel(step)]


def bias_step(step):
    """A weight step as the bias of its layer broadcasts it: a per-channel step along the bias's
    last (only) channel axis."""
    return np.ravel(step) if isinstance(step, np.ndarray) else step


def fake_quant_model(canonical, points, steps):
    """A copy of the canonical model with quantized weights and Div/Round/Clip/Mul chains."""
    result = Canonical(canonical.model)
    for point, step in zip(points, steps):
        if point["kind"] == "weight":
            assert canonical.readers(point["tensor"]) == 1, f"weight {point['tensor']} is shared"
            weight = canonical.initializers[point["tensor"]]
            result.set_initializer(point["tensor"], fake_quantize(weight, step, point["bits"], True))
        else:
            _insert_chain(result, point, step)
    _quantize_biases(canonical, result, points, steps)
    return result.model


def _quantize_biases(canonical, result, points, steps):
    """Replaces the bias of every layer with both a weight and an activation point."""
    step_of = {}
    for point, step in zip(points, steps):
        for consumer in point["consumers"]:
            step_of[(consumer, point["kind"])] = step
    for node in canonical.graph.node:
        has_bias = len(node.input) > 2 and node.input[2] in canonical.initializers
        if not has_bias or (node.name, "weight") not in step_of or (node.name, "activation") not in step_of:
            continue
        assert canonical.readers(node.input[2]) == 1, f"bias {node.input[2]} is shared"
        bias = canonical.initializers[node.input[2]]
        result.set_initializer(node.input[2], quantize_bias(bias, step_of[(node.name, "activation")],
                                                            bias_step(step_of[(node.name, "weight")])))


def chain_codes_name(point):
    """The tensor holding the integer codes of an activation point's chain (for checks)."""
    return f"{point['tensor']}.fq.codes"


def _insert_chain(canonical, point, step):
    """Inserts x̂ = Mul(Clip(Round(Div(x, Δ)), qmin, qmax), Δ) before the point's first
    consumer and makes every consumer read x̂ as operand 0."""
    tensor, graph = point["tensor"], canonical.graph
    qmin, qmax = qrange(point["bits"], point["signed"])
    prefix = f"{tensor}.fq"
    for suffix, value in (("step", step), ("qmin", qmin), ("qmax", qmax)):
        canonical.set_initializer(f"{prefix}.{suffix}", np.array(value, np.float32))
    chain = [
        helper.make_node("Div", [tensor, f"{prefix}.step"], [f"{prefix}.scaled"], name=f"{prefix}.div"),
        helper.make_node("Round", [f"{prefix}.scaled"], [f"{prefix}.rounded"], name=f"{prefix}.round"),
        helper.make_node("Clip", [f"{prefix}.rounded", f"{prefix}.qmin", f"{prefix}.qmax"], [f"{prefix}.codes"],
                         name=f"{prefix}.clip"),
        helper.make_node("Mul", [f"{prefix}.codes", f"{prefix}.step"], [prefix], name=f"{prefix}.mul"),
    ]
    nodes = list(graph.node)
    consumers = [node for node in nodes if node.name in point["consumers"]]
    for node in consumers:
        assert node.input[0] == tensor, f"{node.name} does not read {tensor} as operand 0"
        node.input[0] = prefix
    first = nodes.index(consumers[0])
    del graph.node[:]
    graph.node.extend(nodes[:first] + chain + nodes[first:])


def with_outputs(model, tensors):
    """A copy of `model` that also returns `tensors` (after its own outputs, in order)."""
    extended = onnx.ModelProto()
    extended.CopyFrom(model)
    existing = {output.name for output in extended.graph.output}
    for name in tensors:
        if name not in existing:
            extended.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    return extended
