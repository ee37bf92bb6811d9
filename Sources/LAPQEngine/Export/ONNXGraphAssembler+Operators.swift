import LAPQKernels

/// Writing lapq operations as ONNX nodes that mean the same at opset 13 and at opset 21 (the two
/// `QDQExportFormat`s): the operators written here changed between them only in the types they
/// accept and in attributes left at their defaults (Reshape's allowzero, AveragePool's dilations),
/// except ReduceMean, whose axes are an attribute before opset 18 and an input from 18 on.
extension ONNXGraphAssembler {
    /// Appends `node` as one ONNX node with the same name, reading `inputs` (the node's own
    /// operands, possibly renamed to their dequantized twins) and writing the node's output.
    ///
    /// Operands that lapq folds into the operator (Clip's bounds, Reshape's shape) become
    /// constants again. `.scaleShift` is written as BatchNormalization with mean 0, variance 1
    /// and epsilon 0, which computes exactly `x · scale + shift`; `shapes` (every tensor's
    /// shape at some batch size) gives its channel count.
    mutating func appendNode(_ node: Node, inputs: [String], shapes: [String: [Int]]) {
        precondition(inputs.count == node.inputs.count, "node '\(node.name)' needs \(node.inputs.count) inputs")
        if case .hardSwish = node.op { return appendHardSwish(node, input: inputs[0]) }
        let operands = inputs + constantOperands(of: node, shapes: shapes)
        var attributes = Self.attributes(of: node.op)
        if case .reduceMean(let axes, _) = node.op, opset < 18 { attributes.append(.ints("axes", axes)) }
        append(Onnx_NodeProto(name: node.name, opType: Self.opType(of: node.op), inputs: operands,
                              outputs: node.outputs, attributes: attributes))
    }

    /// Opset 13 has no HardSwish, so it is written as its ONNX function body: a HardSigmoid
    /// (alpha 1/6, beta 0.5) into a fresh tensor, then the node's name and output on
    /// `Mul(input, gate)` — the same Float operations as lapq's kernels. Opset 21 has HardSwish,
    /// but the body serves both formats, so both compute the same floats.
    private mutating func appendHardSwish(_ node: Node, input: String) {
        let gateNode = freshName(node.name + "_hardsigmoid"), gate = freshName(node.name + "_gate")
        let gateOp = Operator.hardSigmoid(alpha: hardSwishAlpha, beta: hardSwishBeta)
        append(Onnx_NodeProto(name: gateNode, opType: gateOp.name, inputs: [input], outputs: [gate],
                              attributes: Self.attributes(of: gateOp)))
        append(Onnx_NodeProto(name: node.name, opType: "Mul", inputs: [input, gate], outputs: node.outputs,
                              attributes: []))
    }

    /// The ONNX op type of a lapq operation.
    static func opType(of op: Operator) -> String {
        if case .scaleShift = op { return "BatchNormalization" }
        return op.name
    }

    /// Operands that opset 13 passes as inputs but lapq keeps in the operator, appended after
    /// the node's own inputs (an empty name marks an absent optional input).
    private mutating func constantOperands(of node: Node, shapes: [String: [Int]]) -> [String] {
        switch node.op {
        case .clip(let lower, let upper):
            // Clip's bounds are optional; an infinite bound is simply left out.
            let minimum = lower == -.infinity ? "" : addFloatConstant(node.name + "_min", shape: [], values: [lower])
            let maximum = upper == .infinity ? "" : addFloatConstant(node.name + "_max", shape: [], values: [upper])
            return maximum.isEmpty ? (minimum.isEmpty ? [] : [minimum]) : [minimum, maximum]
        case .reshape(let shape):
            let name = freshName(node.name + "_shape")
            addInitializer(.int64Vector(name: name, values: shape))
            return [name]
        case .reduceMean(let axes, _) where opset >= 18:
            let name = freshName(node.name + "_axes")
            addInitializer(.int64Vector(name: name, values: axes))
            return [name]
        case .slice(let a):
            return [("starts", a.starts), ("ends", a.ends), ("axes", a.axes), ("steps", a.steps)].map { part, values in
                let name = freshName(node.name + "_" + part)
                addInitializer(.int64Vector(name: name, values: values))
                return name
            }
        case .pad(let a):
            let pads = freshName(node.name + "_pads")
            addInitializer(.int64Vector(name: pads, values: a.pads))
            guard a.mode == .constant else { return [pads] }
            return [pads, addFloatConstant(node.name + "_value", shape: [], values: [a.value])]
        case .scaleShift:
            let channels = shapes[node.inputs[1]]?.reduce(1, *) ?? 0
            precondition(channels > 0, "no shape for the scale of '\(node.name)'")
            let mean = addFloatConstant(node.name + "_mean", shape: [channels], values: .init(repeating: 0, count: channels))
            let variance = addFloatConstant(node.name + "_var", shape: [channels], values: .init(repeating: 1, count: channels))
            return [mean, variance]
        default:
            return []
        }
    }

    /// The ONNX attributes of a lapq operation (canonical graphs have explicit pads, but an
    /// `autoPad` other than NOTSET is written as such).
    static func attributes(of op: Operator) -> [Onnx_AttributeProto] {
        switch op {
        case .conv(let a):
            return [.ints("kernel_shape", a.kernelShape), .ints("strides", a.strides),
                    .ints("dilations", a.dilations), .int("group", a.group)] + padding(a.pads, a.autoPad)
        case .gemm(let a):
            return [.float("alpha", a.alpha), .float("beta", a.beta),
                    .int("transA", a.transA ? 1 : 0), .int("transB", a.transB ? 1 : 0)]
        case .maxPool(let a):
            return [.ints("kernel_shape", a.kernelShape), .ints("strides", a.strides),
                    .ints("dilations", a.dilations), .int("ceil_mode", a.ceilMode ? 1 : 0)]
                + padding(a.pads, a.autoPad)
        case .averagePool(let a):
            // Opset 13 AveragePool has no dilations; lapq's are all ones for AveragePool.
            return [.ints("kernel_shape", a.kernelShape), .ints("strides", a.strides),
                    .int("ceil_mode", a.ceilMode ? 1 : 0), .int("count_include_pad", a.countIncludePad ? 1 : 0)]
                + padding(a.pads, a.autoPad)
        case .leakyRelu(let alpha): return [.float("alpha", alpha)]
        case .hardSigmoid(let alpha, let beta): return [.float("alpha", alpha), .float("beta", beta)]
        case .concat(let axis): return [.int("axis", axis)]
        case .flatten(let axis): return [.int("axis", axis)]
        case .softmax(let axis): return [.int("axis", axis)]
        case .scaleShift: return [.float("epsilon", 0)]
        case .transpose(let perm): return [.ints("perm", perm)]
        case .reduceMean(_, let keepDims): return [.int("keepdims", keepDims ? 1 : 0)]
        case .pad(let a): return [.string("mode", a.mode.rawValue)]
        case .matMul, .relu, .clip, .sigmoid, .globalAveragePool, .add, .mul, .reshape, .sub, .div, .pow, .sqrt, .erf,
             .slice:
            return []
        case .hardSwish:
            return []   // appendHardSwish writes HardSigmoid + Mul instead
        }
    }

    private static func padding(_ pads: [Int], _ autoPad: AutoPad) -> [Onnx_AttributeProto] {
        autoPad == .notSet ? [.ints("pads", pads)] : [.string("auto_pad", autoPad.rawValue)]
    }
}
