import LAPQKernels

/// A graph compiled for one batch size: one `CompiledStep` per node, oneDNN primitives built,
/// fusions decided, tensor names mapped to dense ids. See docs/engine.md.
final class CompiledProgram {
    let batchSize: Int
    let steps: [CompiledStep]
    /// Number of tensor ids (graph input + node outputs).
    let tensorCount: Int
    let inputID: Int
    /// The id of each graph output, in order; nil for an output that is an initializer.
    let outputIDs: [Int?]
    /// For each tensor id, the last step that reads it (graph outputs: Int.max).
    let lastUse: [Int]
    /// For each tensor id, every step that reads it.
    let readers: [[Int]]
    /// Output buffers reused across forward passes.
    let buffers: BufferPool

    /// `integerLayers` maps the Conv, Gemm and MatMul nodes that get an int8 form to whether
    /// their input codes are signed.
    init(graph: Graph, batchSize: Int, pointCount: Int, context: DNNLContext, integerLayers: [Int: Bool] = [:]) throws {
        let shapes = try graph.inferShapes(batchSize: batchSize)
        var ids: [String: Int] = [graph.input.name: 0]
        for node in graph.nodes { ids[node.output] = ids.count }
        var readers = [[Int]](repeating: [], count: ids.count)
        for (index, node) in graph.nodes.enumerated() {
            for name in node.inputs { if let id = ids[name] { readers[id].append(index) } }
        }
        let outputs = Set(graph.outputs.compactMap { ids[$0] })
        let builder = StepBuilder(graph: graph, shapes: shapes, context: context, ids: ids,
                                  readers: readers, graphOutputs: outputs, integerLayers: integerLayers)
        var steps: [CompiledStep] = []
        for index in graph.nodes.indices { steps.append(try builder.step(index, previous: steps)) }
        self.batchSize = batchSize
        self.steps = steps
        self.tensorCount = ids.count
        self.inputID = 0
        self.outputIDs = graph.outputs.map { ids[$0] }
        self.readers = readers
        self.buffers = BufferPool(stepCount: steps.count, pointCount: pointCount)
        self.lastUse = readers.indices.map { outputs.contains($0) ? Int.max : (readers[$0].last ?? -1) }
    }
}

/// Decides the kernel of each node.
private struct StepBuilder {
    let graph: Graph
    let shapes: [String: [Int]]
    let context: DNNLContext
    let ids: [String: Int]
    let readers: [[Int]]
    let graphOutputs: Set<Int>
    let integerLayers: [Int: Bool]

    func step(_ index: Int, previous: [CompiledStep]) throws -> CompiledStep {
        let node = graph.nodes[index]
        let kernel = try running(node) { try self.kernel(index, previous: previous) }
        return CompiledStep(node: node, kernel: kernel, inputs: node.inputs.map { ids[$0] ?? -1 },
                            output: ids[node.output] ?? -1, outputShape: shapes[node.output] ?? [],
                            multiplyAccumulates: multiplyAccumulates(node))
    }

    private func kernel(_ index: Int, previous: [CompiledStep]) throws -> StepKernel {
        let node = graph.nodes[index]
        let input = shapes[node.inputs[0]] ?? []
        switch node.op {
        case .conv(let attributes):
            guard let weight = constant(node, 1), node.inputs.count < 3 || constant(node, 2) != nil else { return .plain }
            let geometry = try attributes.geometry(node: node.name, input: input, weight: weight.shape)
            let bias = node.inputs.count > 2 ? constant(node, 2) : nil
            let postOps = fusablePostOp(after: index).map { [$0] } ?? []
            let primitive = try Conv2DPrimitive(context: context, geometry: geometry, weights: weight, bias: bias,
                                                postOps: postOps)
            let integer = integerLayers[index].map {
                IntegerLayer(shape: .convolution(geometry), postOps: postOps, isSourceSigned: $0)
            }
            return .convolution(primitive, LayerConstants(weight: weight, weightToPrimitive: { $0 },
                                                          bias: bias, biasToPrimitive: { $0 }), integer)
        case .gemm, .matMul:
            return try innerProduct(index, input: input) ?? .plain
        case .maxPool(let attributes), .averagePool(let attributes):
            let geometry = try attributes.geometry(node: node.name, op: node.op.name, input: input)
            if case .averagePool = node.op, attributes.countIncludePad,
               geometry.ceilExtraBottom > 0 || geometry.ceilExtraRight > 0 {
                return .plain   // oneDNN would count the ceil overhang in the divisor; ONNX does not
            }
            let kind: PoolKind = { if case .maxPool = node.op { return .max } else { return attributes.averageKind } }()
            return .pooling(try Pool2DPrimitive(context: context, geometry: geometry, kind: kind))
        case .globalAveragePool:
            guard input.count == 4 else { return .plain }
            let geometry = Pool2DGeometry(batch: input[0], channels: input[1], inHeight: input[2], inWidth: input[3],
                                          kernel: (input[2], input[3]))
            return .pooling(try Pool2DPrimitive(context: context, geometry: geometry, kind: .average(countIncludePad: false)))
        case .relu, .clip, .leakyRelu:
            if let producer = previous.last(where: { $0.output == ids[node.inputs[0]] }) {
                switch producer.kernel {
                case .convolution(let conv, _, _) where !conv.postOps.isEmpty: return .alias
                case .add(let fused?) where fused == elementwise(node.op): return .alias
                default: break
                }
            }
            return elementwise(node.op).map { .elementwise($0) } ?? .plain
        case .hardSwish:
            return .elementwise(.hardSwish)   // never fused into a conv, so never an alias
        case .slice(let a):
            guard let windows = try? AxisWindow.slice(shape: input, starts: a.starts, ends: a.ends, axes: a.axes,
                                                      steps: a.steps) else { return .plain }
            return .windowCopy(windows, fill: 0)
        case .pad(let a) where a.mode == .constant:
            guard let windows = try? AxisWindow.constantPad(shape: input, pads: a.pads) else { return .plain }
            return .windowCopy(windows, fill: a.value)
        case .add:
            guard shapes[node.inputs[0]] == shapes[node.inputs[1]], node.inputs.allSatisfy({ ids[$0] != nil }) else { return .plain }
            return .add(fusedActivation: soleReader(of: index).flatMap { elementwise(graph.nodes[$0].op) })
        default:
            return .plain
        }
    }

    /// Gemm (no transA) or MatMul of a rank-2 activation by a constant matrix, as an inner
    /// product with weights (out, in) = alpha·op(B)ᵀ and bias beta·C when C is a vector. A
    /// MatMul of a higher-rank activation (…, K) — ConvNeXt's Linear layers on (N, H, W, C) —
    /// is the same inner product over its rows, (∏ leading axes, K).
    private func innerProduct(_ index: Int, input: [Int]) throws -> StepKernel? {
        let node = graph.nodes[index]
        guard let b = constant(node, 1), b.rank == 2, input.count == 2 || (node.op == .matMul && input.count > 2) else {
            return nil
        }
        let input = [input.dropLast().reduce(1, *), input[input.count - 1]]
        var alpha: Float = 1, beta: Float = 1, transB = false
        if case .gemm(let attributes) = node.op {
            guard !attributes.transA else { return nil }
            (alpha, beta, transB) = (attributes.alpha, attributes.beta, attributes.transB)
        }
        let outFeatures = transB ? b.shape[0] : b.shape[1]
        var c: Tensor?
        if node.inputs.count > 2 {
            guard let constantC = constant(node, 2), constantC.count == outFeatures, constantC.shape.last == outFeatures else {
                return nil
            }
            c = constantC
        }
        let toPrimitive = { (weight: Tensor) -> Tensor in
            let oriented = transB ? weight : transposed(weight)
            return alpha == 1 ? oriented : Tensor(shape: oriented.shape, data: oriented.data.map { $0 * alpha })
        }
        let biasToPrimitive = { (c: Tensor) -> Tensor in Tensor(shape: [outFeatures], data: c.data.map { $0 * beta }) }
        let primitive = try InnerProductPrimitive(context: context, inputShape: input, weights: toPrimitive(b),
                                                  bias: c.map(biasToPrimitive))
        // LayerPath admits only alpha = beta = 1, where toPrimitive is a pure transpose (or none).
        let integer = integerLayers[index].map {
            IntegerLayer(shape: .innerProduct(inputShape: input, outFeatures: outFeatures, transposesWeight: !transB),
                         postOps: [], isSourceSigned: $0)
        }
        return .innerProduct(primitive, LayerConstants(weight: b, weightToPrimitive: toPrimitive,
                                                       bias: c, biasToPrimitive: biasToPrimitive), integer)
    }

    /// The node that alone reads the output of node `index`, if that output is not a graph
    /// output: a producer may then apply that node's activation itself.
    private func soleReader(of index: Int) -> Int? {
        let output = ids[graph.nodes[index].output] ?? -1
        guard output >= 0, !graphOutputs.contains(output), readers[output].count == 1 else { return nil }
        return readers[output][0]
    }

    /// The activation that the conv at `index` can run as a post-op: its output has exactly
    /// one reader, which is that activation, and is not a graph output.
    private func fusablePostOp(after index: Int) -> PostOp? {
        guard let reader = soleReader(of: index) else { return nil }
        switch graph.nodes[reader].op {
        case .relu: return .relu
        case let .clip(lower, upper): return .clip(lower: lower, upper: upper)
        case let .leakyRelu(alpha): return .leakyReLU(alpha: alpha)
        default: return nil
        }
    }

    private func elementwise(_ op: Operator) -> ElementwiseActivation? {
        switch op {
        case .relu: return .relu
        case let .clip(lower, upper) where lower <= 0 && upper >= 0: return .clip(lower: lower, upper: upper)
        default: return nil
        }
    }

    private func constant(_ node: Node, _ operand: Int) -> Tensor? {
        node.inputs.indices.contains(operand) ? graph.initializers[node.inputs[operand]] : nil
    }

    private func multiplyAccumulates(_ node: Node) -> Int {
        let output = shapes[node.output]?.reduce(1, *) ?? 0
        switch node.op {
        case .conv:
            let weight = shapes[node.inputs[1]] ?? []
            return output * weight.dropFirst().reduce(1, *)
        case .gemm, .matMul:
            let input = shapes[node.inputs[0]] ?? []
            return output * (input.last ?? 0)
        default:
            return 0
        }
    }
}

/// The transpose of a rank-2 tensor.
func transposed(_ matrix: Tensor) -> Tensor {
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    var data = [Float](repeating: 0, count: matrix.count)
    for row in 0..<rows {
        for column in 0..<columns { data[column * rows + row] = matrix.data[row * columns + column] }
    }
    return Tensor(shape: [columns, rows], data: data)
}
