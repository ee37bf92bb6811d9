"""Model definitions for make-fixtures.py: small random-weight networks built with onnx.helper.

Each builder takes a seeded numpy Generator and returns (graph, opset, input_shape, extras);
extras are merged into the fixture's index entry. Node names are "<Op>_<k>", counted per op.
"""
import math

import numpy as np
from onnx import TensorProto, helper, numpy_helper


class Net:
    """Accumulates nodes and initializers; every helper returns the name of its output."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.initializers = []
        self.counts = {}

    def fresh(self, op):
        index = self.counts.get(op, 0)
        self.counts[op] = index + 1
        return f"{op}_{index}"

    def const(self, base, array):
        name = f"{base}_{len(self.initializers)}"
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def random(self, base, shape, fan_in=None):
        fan_in = fan_in or int(np.prod(shape[1:])) or 1
        values = self.rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)
        return self.const(base, values.astype(np.float32))

    def node(self, op, inputs, outputs=1, **attributes):
        name = self.fresh(op)
        names = [f"{name}_out{k}" if k else f"{name}_out" for k in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, names, name=name, **attributes))
        return names[0] if outputs == 1 else names

    def conv(self, x, cin, cout, kernel=3, stride=1, pad=None, group=1, bias=True, **attributes):
        weight = self.random("W", (cout, cin // group, kernel, kernel))
        inputs = [x, weight]
        if bias:
            inputs.append(self.const("B", (self.rng.standard_normal(cout) * 0.1).astype(np.float32)))
        if pad is None and "auto_pad" not in attributes:
            pad = kernel // 2
        if pad is not None:
            attributes["pads"] = [pad] * 4 if isinstance(pad, int) else pad
        return self.node("Conv", inputs, kernel_shape=[kernel, kernel], strides=[stride, stride],
                         group=group, **attributes)

    def bn(self, x, channels):
        gamma = self.const("gamma", self.rng.uniform(0.5, 1.5, channels).astype(np.float32))
        beta = self.const("beta", (self.rng.standard_normal(channels) * 0.1).astype(np.float32))
        mean = self.const("mean", (self.rng.standard_normal(channels) * 0.1).astype(np.float32))
        var = self.const("var", self.rng.uniform(0.5, 2.0, channels).astype(np.float32))
        return self.node("BatchNormalization", [x, gamma, beta, mean, var], epsilon=1e-5)

    def conv_bn(self, x, cin, cout, **kwargs):
        return self.bn(self.conv(x, cin, cout, bias=False, **kwargs), cout)

    def gemm(self, x, cin, cout, **attributes):
        weight = self.random("W", (cout, cin) if attributes.get("transB") else (cin, cout), fan_in=cin)
        bias = self.const("B", (self.rng.standard_normal(cout) * 0.1).astype(np.float32))
        return self.node("Gemm", [x, weight, bias], **attributes)

    def head(self, x, channels, classes=10):
        pooled = self.node("GlobalAveragePool", [x])
        return self.gemm(self.node("Flatten", [pooled], axis=1), channels, classes, transB=1)

    def graph(self, name, input_shape, outputs):
        data = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *input_shape[1:]])
        results = [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs]
        return helper.make_graph(self.nodes, name, [data], results, initializer=self.initializers)


class Spec:
    def __init__(self, name, build):
        self.name = name
        self.build = build


def resnet(rng):
    """conv-BN-relu stem, one identity block, one stride-2 block with a 1×1 downsample."""
    net, shape = Net(rng), (2, 3, 16, 16)
    x = net.node("Relu", [net.conv_bn("input", 3, 8)])
    y = net.node("Relu", [net.conv_bn(x, 8, 8)])
    x = net.node("Relu", [net.node("Add", [net.conv_bn(y, 8, 8), x])])
    y = net.node("Relu", [net.conv_bn(x, 8, 16, stride=2)])
    shortcut = net.conv_bn(x, 8, 16, kernel=1, stride=2, pad=0)
    x = net.node("Relu", [net.node("Add", [net.conv_bn(y, 16, 16), shortcut])])
    return net.graph("resnet", shape, [net.head(x, 16)]), 13, shape, {}


def mobilenet_v2(rng):
    """Stem, an inverted residual (expand, depthwise, linear project, Add), a stride-2 one.
    ReLU6 is Clip with bounds from Constant nodes in the first block, initializers after."""
    net, shape = Net(rng), (2, 3, 16, 16)
    low = net.node("Constant", [], value=numpy_helper.from_array(np.array(0, np.float32)))
    high = net.node("Constant", [], value_float=6.0)
    relu6 = lambda t: net.node("Clip", [t, low, high])
    x = relu6(net.conv_bn("input", 3, 8, stride=2))
    y = relu6(net.conv_bn(x, 8, 16, kernel=1, pad=0))
    y = relu6(net.conv_bn(y, 16, 16, group=16))
    x = net.node("Add", [x, net.conv_bn(y, 16, 8, kernel=1, pad=0)])
    low, high = net.const("zero", np.array(0, np.float32)), net.const("six", np.array(6, np.float32))
    y = relu6(net.conv_bn(x, 8, 24, kernel=1, pad=0))
    y = relu6(net.conv_bn(y, 24, 24, stride=2, group=24))
    x = net.conv_bn(y, 24, 16, kernel=1, pad=0)
    return net.graph("mobilenet_v2", shape, [net.head(x, 16)]), 13, shape, {}


def vgg(rng):
    """conv-relu ×2, MaxPool, conv-relu, MaxPool, Dropout, Reshape(0, −1), MatMul+Add, Relu,
    Identity, Gemm."""
    net, shape = Net(rng), (2, 3, 16, 16)
    x = net.node("Relu", [net.conv("input", 3, 8)])
    x = net.node("Relu", [net.conv(x, 8, 8)])
    x = net.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = net.node("Relu", [net.conv(x, 8, 16)])
    x = net.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = net.node("Dropout", [x])
    x = net.node("Reshape", [x, net.const("shape", np.array([0, -1], np.int64))])
    x = net.node("MatMul", [x, net.random("W", (256, 32), fan_in=256)])
    x = net.node("Add", [x, net.const("B", (rng.standard_normal(32) * 0.1).astype(np.float32))])
    x = net.node("Identity", [net.node("Relu", [x])])
    return net.graph("vgg", shape, [net.gemm(x, 32, 10, transB=1)]), 13, shape, {}


def inception(rng):
    """Stem, then four parallel branches (1×1; 1×1→3×3; MaxPool→1×1; AveragePool with
    count_include_pad 0 and 1) concatenated on channels, then a classifier."""
    net, shape = Net(rng), (2, 3, 16, 16)
    x = net.node("Relu", [net.conv("input", 3, 8)])
    a = net.node("Relu", [net.conv(x, 8, 4, kernel=1, pad=0)])
    b = net.node("Relu", [net.conv(net.node("Relu", [net.conv(x, 8, 4, kernel=1, pad=0)]), 4, 6)])
    c = net.node("MaxPool", [x], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    c = net.node("Relu", [net.conv(c, 8, 4, kernel=1, pad=0)])
    d = net.node("AveragePool", [x], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=0)
    d = net.conv(d, 8, 4, kernel=1, pad=0)
    e = net.node("AveragePool", [x], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=1)
    e = net.conv(e, 8, 4, kernel=1, pad=0)
    x = net.node("Concat", [a, b, c, d, e], axis=1)
    return net.graph("inception", shape, [net.head(x, 22)]), 13, shape, {}


def single(op, shape=(2, 3, 8, 8), opset=13, **attributes):
    def build(rng):
        net = Net(rng)
        return net.graph(op.lower(), shape, [net.node(op, ["input"], **attributes)]), opset, shape, {}
    return build


def softmax_legacy(rng):
    """Opset 11 Softmax with the default axis (1) after a Gemm: the classifier case."""
    net, shape = Net(rng), (2, 12)
    return net.graph("softmax_legacy", shape, [net.node("Softmax", [net.gemm("input", 12, 5)])]), 11, shape, {}


def mul_broadcast(rng):
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("Mul", ["input", net.random("scale", (1, 3, 1, 1))])
    return net.graph("mul_broadcast", shape, [net.node("Add", [x, net.random("shift", (3, 1, 1))])]), 13, shape, {}


def same_upper(rng):
    """Stride-2 Conv with SAME_UPPER (pads resolve to 0 before, 1 after) and a 2×2 MaxPool with
    SAME_LOWER (1 before, 0 after)."""
    net, shape = Net(rng), (2, 3, 16, 16)
    x = net.conv("input", 3, 4, stride=2, auto_pad="SAME_UPPER")
    x = net.node("MaxPool", [x], kernel_shape=[2, 2], strides=[1, 1], auto_pad="SAME_LOWER")
    return net.graph("same_upper", shape, [x]), 13, shape, {}


def dilated(rng):
    net, shape = Net(rng), (2, 3, 16, 16)
    return net.graph("dilated", shape, [net.conv("input", 3, 4, pad=2, dilations=[2, 2])]), 13, shape, {}


def asymmetric_pads(rng):
    """Conv with pads [top 0, left 1, bottom 2, right 1]; MaxPool 3×3/2 in ceil mode."""
    net, shape = Net(rng), (2, 3, 15, 15)
    x = net.conv("input", 3, 4, pad=[0, 1, 2, 1])
    x = net.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    return net.graph("asymmetric_pads", shape, [x]), 13, shape, {}


def pass_through(rng):
    """Identity before and after a Conv, Dropout (with its mask unused) between Conv and Relu."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.conv(net.node("Identity", ["input"]), 3, 4)
    x, _ = net.node("Dropout", [x], outputs=2)
    x = net.node("Identity", [net.node("Relu", [x])])
    return net.graph("pass_through", shape, [x]), 13, shape, {}


def unfolded_batchnorm(rng):
    """BatchNormalization that cannot be folded: on the graph input, and after a Conv whose
    output is also read by a Relu. Both become scale+shift nodes."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.bn("input", 3)
    conv = net.conv(x, 3, 4)
    x = net.node("Add", [net.bn(conv, 4), net.node("Relu", [conv])])
    return net.graph("unfolded_batchnorm", shape, [x]), 13, shape, {"scaleShiftCount": 2}


def clip_legacy(rng):
    """Opset 10: Clip bounds as attributes; AveragePool with pads counting the padding."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("Clip", [net.conv("input", 3, 4)], min=0.0, max=6.0)
    x = net.node("AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)
    return net.graph("clip_legacy", shape, [x]), 10, shape, {}


def gemm_scaled(rng):
    """Gemm with alpha, beta and a C broadcast from (1, N)."""
    net, shape = Net(rng), (2, 3, 4, 4)
    x = net.node("Flatten", ["input"], axis=1)
    bias = net.const("C", (rng.standard_normal((1, 6))).astype(np.float32))
    x = net.node("Gemm", [x, net.random("W", (48, 6), fan_in=48), bias], alpha=0.5, beta=2.0)
    return net.graph("gemm_scaled", shape, [x]), 13, shape, {}


def external_data(rng):
    """conv-BN-relu whose initializers live in a separate .weights file."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("Relu", [net.conv_bn("input", 3, 8)])
    return net.graph("external_data", shape, [x]), 13, shape, {"external_data": True}


def mobilenet_v3(rng):
    """A MobileNetV3 block (opset 14): stride-2 stem → HardSwish, depthwise → HardSwish, a
    squeeze-excite branch (GlobalAveragePool → 1×1 → Relu → 1×1 → HardSigmoid as PyTorch
    exports it, alpha 1/6) scaling the main branch by Mul, a linear 1×1 projection, a classifier."""
    net, shape = Net(rng), (2, 3, 16, 16)
    x = net.node("HardSwish", [net.conv_bn("input", 3, 16, stride=2)])
    x = net.node("HardSwish", [net.conv_bn(x, 16, 16, group=16)])
    s = net.node("Relu", [net.conv(net.node("GlobalAveragePool", [x]), 16, 8, kernel=1, pad=0)])
    s = net.node("HardSigmoid", [net.conv(s, 8, 16, kernel=1, pad=0)], alpha=1.0 / 6, beta=0.5)
    x = net.conv_bn(net.node("Mul", [x, s]), 16, 8, kernel=1, pad=0)
    return net.graph("mobilenet_v3", shape, [net.head(x, 8)]), 14, shape, {}


def hard_activations(rng):
    """conv → HardSigmoid (alpha 0.3, beta 0.4) → conv → HardSwish → conv → conv: the middle
    two convs are quantized, reading an unsigned (HardSigmoid) and a signed (HardSwish) point."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("HardSigmoid", [net.conv("input", 3, 8)], alpha=0.3, beta=0.4)
    x = net.node("HardSwish", [net.conv(x, 8, 8)])
    x = net.conv(net.conv(x, 8, 8), 8, 4, kernel=1, pad=0)
    return net.graph("hard_activations", shape, [x]), 14, shape, {}


def unsupported_op(rng):
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("Elu", [net.conv("input", 3, 4)])
    return (net.graph("unsupported_op", shape, [x]), 14, shape,
            {"expectedError": {"node": "Elu_0", "op": "Elu"}})


def int_const(net, values):
    return net.const("i", np.array(values, np.int64))


def shuffle_channels(net, x, groups):
    """PyTorch's channel shuffle as its exporter writes it with a dynamic batch: Shape → Gather
    per axis, channels // groups by Div + Cast, Unsqueeze → Concat into Reshape's target,
    Transpose(0, 2, 1, 3, 4), and a second Reshape to (batch, channels, H, W)."""
    dims = [net.node("Gather", [net.node("Shape", [x]), int_const(net, axis)], axis=0) for axis in range(4)]
    per_group = net.node("Cast", [net.node("Div", [dims[1], int_const(net, groups)])], to=TensorProto.INT64)
    unsqueeze = lambda t: net.node("Unsqueeze", [t, int_const(net, [0])])
    target = net.node("Concat", [unsqueeze(dims[0]), int_const(net, [groups]), unsqueeze(per_group),
                                 unsqueeze(dims[2]), unsqueeze(dims[3])], axis=0)
    x = net.node("Transpose", [net.node("Reshape", [x, target])], perm=[0, 2, 1, 3, 4])
    back = net.node("Concat", [unsqueeze(dims[0]), int_const(net, [-1]), unsqueeze(dims[2]), unsqueeze(dims[3])], axis=0)
    return net.node("Reshape", [x, back])


def channel_shuffle(rng):
    """A ShuffleNetV2 unit (opset 13): the input split in two halves by Slice with ends computed
    from Shape ((C + 1) // 2 as Add/Div/Mul), one half through 1×1 → depthwise 3×3 → 1×1,
    Concat, channel shuffle; then a conv and a ReduceMean([2, 3], keepdims 0) head."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("Relu", [net.conv("input", 3, 8)])
    channels = net.node("Gather", [net.node("Shape", [x]), int_const(net, [1])], axis=0)
    half = net.node("Div", [net.node("Add", [channels, int_const(net, [1])]), int_const(net, [2])])
    left = net.node("Slice", [x, int_const(net, [0]), net.node("Mul", [half, int_const(net, [1])]), int_const(net, [1])])
    right = net.node("Slice", [x, net.node("Mul", [half, int_const(net, [1])]), net.node("Mul", [half, int_const(net, [2])]),
                               int_const(net, [1])])
    right = net.node("Relu", [net.conv(right, 4, 4, kernel=1, pad=0)])
    right = net.conv(right, 4, 4, group=4)
    right = net.node("Relu", [net.conv(right, 4, 4, kernel=1, pad=0)])
    x = shuffle_channels(net, net.node("Concat", [left, right], axis=1), 2)
    x = net.node("Relu", [net.conv(x, 8, 8, kernel=1, pad=0)])
    pooled = net.node("ReduceMean", [x], axes=[2, 3], keepdims=0)
    return net.graph("channel_shuffle", shape, [net.gemm(pooled, 8, 10, transB=1)]), 13, shape, {}


def dense_block(rng):
    """DenseNet's pre-activation layers (opset 13): BatchNormalization after a Concat and after
    an AveragePool (not foldable: per-channel scale + shift), its parameters read through
    Identity nodes as PyTorch writes shared initializers; ReduceMean over channels (keepdims)
    as a non-spatial mean; a GlobalAveragePool head."""
    net, shape = Net(rng), (2, 3, 8, 8)
    stem = net.node("Relu", [net.conv("input", 3, 6)])
    gamma, beta, mean, var = (net.node("Identity", [net.const(name, values)]) for name, values in (
        ("gamma", rng.uniform(0.5, 1.5, 6).astype(np.float32)), ("beta", (rng.standard_normal(6) * 0.1).astype(np.float32)),
        ("mean", (rng.standard_normal(6) * 0.1).astype(np.float32)), ("var", rng.uniform(0.5, 2.0, 6).astype(np.float32))))
    y = net.node("BatchNormalization", [stem, gamma, beta, mean, var], epsilon=1e-5)
    y = net.conv(net.node("Relu", [y]), 6, 4, kernel=1, pad=0)
    x = net.node("Concat", [stem, y], axis=1)
    x = net.conv(net.node("Relu", [net.bn(x, 10)]), 10, 8, kernel=1, pad=0)
    x = net.node("AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = net.node("Relu", [net.bn(x, 8)])
    x = net.node("Mul", [x, net.node("ReduceMean", [x], axes=[1], keepdims=1)])
    return net.graph("dense_block", shape, [net.head(net.conv(x, 8, 8), 8)]), 13, shape, {"scaleShiftCount": 3}


def layer_norm_decomposed(net, x, channels):
    """LayerNormalization over the last axis as older exporters write it: ReduceMean, Sub, Pow(2),
    ReduceMean, Add(ε), Sqrt, Div, Mul(γ), Add(β)."""
    mean = net.node("ReduceMean", [x], axes=[-1])
    centered = net.node("Sub", [x, mean])
    variance = net.node("ReduceMean", [net.node("Pow", [centered, net.const("two", np.array(2, np.float32))])], axes=[-1])
    deviation = net.node("Sqrt", [net.node("Add", [variance, net.const("eps", np.array(1e-6, np.float32))])])
    x = net.node("Div", [centered, deviation])
    x = net.node("Mul", [x, net.const("gamma", rng_uniform(net, channels))])
    return net.node("Add", [x, net.const("beta", (net.rng.standard_normal(channels) * 0.1).astype(np.float32))])


def rng_uniform(net, channels):
    return net.rng.uniform(0.5, 1.5, channels).astype(np.float32)


def convnext_block(rng):
    """A ConvNeXt stage (opset 17) as PyTorch exports it: depthwise 7×7 conv, Transpose to
    channels-last, LayerNormalization, Linear (MatMul + Add) to 4C, GELU as Div(√2), Erf,
    Add(1), Mul, Mul(½), Linear back, layer scale Mul, Transpose back, residual Add; then a
    downsampling LayerNorm in the decomposed (ReduceMean/Sub/Pow/Sqrt/Div) form and a head."""
    net, shape, c = Net(rng), (2, 3, 8, 8), 8
    x = net.conv("input", 3, c, kernel=2, stride=2, pad=0)
    y = net.conv(x, c, c, kernel=7, pad=3, group=c)
    y = net.node("Transpose", [y], perm=[0, 2, 3, 1])
    y = net.node("LayerNormalization", [y, net.const("ln_scale", rng_uniform(net, c)),
                                        net.const("ln_bias", (rng.standard_normal(c) * 0.1).astype(np.float32))],
                 axis=-1, epsilon=1e-6)
    y = net.node("Add", [net.node("MatMul", [y, net.random("W", (c, 4 * c), fan_in=c)]),
                         net.const("B", (rng.standard_normal(4 * c) * 0.1).astype(np.float32))])
    gate = net.node("Add", [net.node("Erf", [net.node("Div", [y, net.const("sqrt2", np.array(math.sqrt(2), np.float32))])]),
                            net.const("one", np.array(1, np.float32))])
    y = net.node("Mul", [net.node("Mul", [y, gate]), net.const("half", np.array(0.5, np.float32))])
    y = net.node("Add", [net.node("MatMul", [y, net.random("W", (4 * c, c), fan_in=4 * c)]),
                         net.const("B", (rng.standard_normal(c) * 0.1).astype(np.float32))])
    y = net.node("Mul", [net.const("layer_scale", rng_uniform(net, c)), y])
    x = net.node("Add", [x, net.node("Transpose", [y], perm=[0, 3, 1, 2])])
    x = net.node("Transpose", [layer_norm_decomposed(net, net.node("Transpose", [x], perm=[0, 2, 3, 1]), c)], perm=[0, 3, 1, 2])
    x = net.conv(x, c, 2 * c, kernel=2, stride=2, pad=0)
    return net.graph("convnext_block", shape, [net.head(x, 2 * c)]), 17, shape, {}


def gelu_opset20(rng):
    """ONNX's own Gelu (opset 20, approximate 'none') between two convs; ReduceMean with its axes
    as an input (opset 18) over the width."""
    net, shape = Net(rng), (2, 3, 8, 8)
    x = net.node("Gelu", [net.conv("input", 3, 4)])
    x = net.node("ReduceMean", [net.conv(x, 4, 4), int_const(net, [-1])], keepdims=1)
    return net.graph("gelu_opset20", shape, [x]), 20, shape, {}


MODELS = [
    Spec("resnet", resnet),
    Spec("mobilenet_v2", mobilenet_v2),
    Spec("vgg", vgg),
    Spec("inception", inception),
    Spec("leaky_relu", single("LeakyRelu", alpha=0.2)),
    Spec("sigmoid", single("Sigmoid")),
    Spec("softmax", single("Softmax", shape=(2, 4, 3, 3), axis=1)),
    Spec("softmax_legacy", softmax_legacy),
    Spec("mul_broadcast", mul_broadcast),
    Spec("same_upper", same_upper),
    Spec("dilated", dilated),
    Spec("asymmetric_pads", asymmetric_pads),
    Spec("pass_through", pass_through),
    Spec("unfolded_batchnorm", unfolded_batchnorm),
    Spec("clip_legacy", clip_legacy),
    Spec("gemm_scaled", gemm_scaled),
    Spec("external_data", external_data),
    Spec("unsupported_op", unsupported_op),
    # New fixtures go last: each model's seed is its position in this list.
    Spec("hard_sigmoid", single("HardSigmoid", alpha=0.3, beta=0.4)),
    Spec("hard_swish", single("HardSwish", opset=14)),
    Spec("mobilenet_v3", mobilenet_v3),
    Spec("hard_activations", hard_activations),
    Spec("channel_shuffle", channel_shuffle),
    Spec("dense_block", dense_block),
    Spec("convnext_block", convnext_block),
    Spec("gelu_opset20", gelu_opset20),
]
