import LAPQKernels
import LAPQMath

/// Receives the float value of every activation quantization point once per forward pass:
/// `point` indexes the plan's points, `values` is the tensor (plain NCHW).
public typealias ActivationObserver = (_ point: Int, _ values: Tensor) -> Void

/// The slow reference twin of `Executor`: interprets the graph node by node with the naive
/// Swift kernels on plain NCHW tensors, fake-quantizing the same points with the same step
/// sizes. Obviously correct rather than fast; tests hold `Executor` to it.
public final class ReferenceExecutor {
    public let graph: Graph
    private var binding: QuantizationBinding

    public init(graph: Graph, plan: QuantizationPlan) throws {
        self.graph = graph
        self.binding = try QuantizationBinding(plan: plan, graph: graph)
    }

    /// A step vector in the plan's layout (`QuantizationPlan.stepRanges`), or nil to run in float.
    public func setStepSizes(_ stepSizes: [Double]?) throws {
        _ = try binding.setStepSizes(stepSizes)
    }

    /// The graph's first output for `input` (batch, sample shape…).
    public func run(_ input: Tensor, observer: ActivationObserver? = nil) throws -> Tensor {
        try runOutputs(input, observer: observer)[0]
    }

    /// Every graph output for `input`, in `graph.outputs` order: a network is scored on its
    /// first output, but a graph may return more (ONNX's conformance cases check them all).
    public func runOutputs(_ input: Tensor, observer: ActivationObserver? = nil) throws -> [Tensor] {
        guard input.rank >= 1, input.shape == graph.input.shape(batchSize: input.shape[0]) else {
            throw ExecutionError.inputShape(expected: graph.input.shape(batchSize: input.shape.first ?? 1), got: input.shape)
        }
        var values = graph.initializers
        values[graph.input.name] = input
        var observed = Set<Int>()
        for (index, node) in graph.nodes.enumerated() {
            var operands = node.inputs.map { values[$0] ?? Tensor(shape: [0]) }
            if let point = binding.activationPoint[index], observed.insert(point).inserted {
                observer?(point, operands[0])
            }
            if let quantizer = binding.activationQuantizer(node: index) { quantizer.fakeQuantize(&operands[0].data) }
            if binding.weightPoint[index] != nil {
                operands[1] = binding.quantizedWeight(operands[1], node: index, vectorized: false)
            }
            if operands.count > 2 { operands[2] = binding.quantizedBias(operands[2], node: index) }
            values[node.output] = try running(node) { try Self.evaluate(node, operands) }
        }
        return graph.outputs.map { values[$0] ?? Tensor(shape: [0]) }
    }

    /// One node on the naive kernels.
    static func evaluate(_ node: Node, _ x: [Tensor]) throws -> Tensor {
        var out = Tensor(shape: [0])
        switch node.op {
        case .conv(let attributes):
            let geometry = try attributes.geometry(node: node.name, input: x[0].shape, weight: x[1].shape)
            try conv2dNaive(&out, x[0], x[1], x.count > 2 ? x[2] : nil, geometry)
        case .gemm(let a):
            try gemmNaive(&out, x[0], x[1], x.count > 2 ? x[2] : nil, transA: a.transA, transB: a.transB,
                          alpha: a.alpha, beta: a.beta)
        case .matMul: try matmulNaive(&out, x[0], x[1])
        case .relu: reluNaive(&out, x[0])
        case .clip(let lower, let upper): clipNaive(&out, x[0], lower: lower, upper: upper)
        case .leakyRelu(let alpha): leakyReluNaive(&out, x[0], alpha: alpha)
        case .sigmoid: sigmoidNaive(&out, x[0])
        case .hardSigmoid(let alpha, let beta): hardSigmoidNaive(&out, x[0], alpha: alpha, beta: beta)
        case .hardSwish: hardSwishNaive(&out, x[0])
        case .maxPool(let a):
            try pool2dNaive(&out, x[0], try a.geometry(node: node.name, op: "MaxPool", input: x[0].shape), .max)
        case .averagePool(let a):
            try pool2dNaive(&out, x[0], try a.geometry(node: node.name, op: "AveragePool", input: x[0].shape), a.averageKind)
        case .globalAveragePool: globalAveragePoolNaive(&out, x[0])
        case .add: try addNaive(&out, x[0], x[1])
        case .mul: try mulNaive(&out, x[0], x[1])
        case .concat(let axis): try concatNaive(&out, x, axis: axis)
        case .flatten(let axis): try flattenNaive(&out, x[0], axis: axis)
        case .reshape: out = Tensor(shape: try outputShape(of: node, operands: [x[0].shape]), data: x[0].data)
        case .softmax(let axis): try softmaxNaive(&out, x[0], axis: axis)
        case .scaleShift: out = scaleShiftNaive(x[0], scale: x[1], shift: x[2])
        case .sub: try subNaive(&out, x[0], x[1])
        case .div: try divNaive(&out, x[0], x[1])
        case .pow: try powNaive(&out, x[0], x[1])
        case .sqrt: sqrtNaive(&out, x[0])
        case .erf: erfNaive(&out, x[0])
        case .transpose(let perm): try transposeNaive(&out, x[0], perm: perm)
        case .reduceMean(let axes, let keepDims): try reduceMeanNaive(&out, x[0], axes: axes, keepDims: keepDims)
        case .slice(let a): try sliceNaive(&out, x[0], starts: a.starts, ends: a.ends, axes: a.axes, steps: a.steps)
        case .pad(let a): try padNaive(&out, x[0], pads: a.pads, mode: a.mode, value: a.value)
        }
        return out
    }
}

/// The shape a node produces from its operands' shapes (the graph's shape rules), e.g. the
/// resolved target of a Reshape.
func outputShape(of node: Node, operands: [[Int]]) throws -> [Int] {
    do {
        return try ShapeRules.outputShape(of: node.op, operands: operands)
    } catch {
        throw ExecutionError.unsupported(node: node.name, op: node.op.name, reason: error.reason)
    }
}

/// y[n, c, …] = x[n, c, …] · scale[c] + shift[c]; out has x's shape, x is (N, C, …).
func scaleShiftNaive(_ x: Tensor, scale: Tensor, shift: Tensor) -> Tensor {
    var out = x
    let channels = x.shape[1]
    let inner = x.shape.dropFirst(2).reduce(1, *)
    for index in out.data.indices {
        let channel = (index / inner) % channels
        out.data[index] = x.data[index] * scale.data[channel] + shift.data[channel]
    }
    return out
}
