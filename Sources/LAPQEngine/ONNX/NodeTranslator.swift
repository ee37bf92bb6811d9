import Foundation

/// Turns one ONNX NodeProto into a `TranslatedNode`, applying the attribute defaults and
/// semantics of the model's opset version.
struct NodeTranslator {
    let file: String
    /// Version of the default (ai.onnx) operator set the model imports.
    let opset: Int
    /// The values and shapes known so far (initializers, Constant nodes, folded nodes).
    let known: KnownValues
    /// Every name in the ONNX graph, so that nodes a translation adds get fresh ones.
    let takenNames: Set<String>
    let decoder: TensorDecoder

    /// ONNX op types that import accepts, sorted; the message of an unsupported op lists them.
    /// Those of `ConstantInterpreter.ops` that lapq's graph has no operation for (Shape, Range,
    /// Cast, Where, …) only where they do not depend on the pixels, as import evaluates them;
    /// Gather on a run-time tensor only where its indices select a strided range.
    /// Written out (a test holds it to `translatedOps` ∪ `ConstantInterpreter.ops`) so that
    /// Scripts/fixtures/gen-onnx-node-tests.py reads the same list from this file.
    static let supportedOps: [String] = [
        "Abs", "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape",
        "Conv", "Div", "Dropout", "Equal", "Erf", "Expand", "Flatten", "Gather", "Gelu", "Gemm", "GlobalAveragePool",
        "Greater", "HardSigmoid", "HardSwish", "Identity", "LayerNormalization", "LeakyRelu", "Less", "MatMul", "Max",
        "MaxPool", "Min", "Mul", "Neg", "Pad", "Pow", "Range", "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid",
        "Size", "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Transpose", "Unsqueeze", "Where",
    ]

    /// The op types that become operations of lapq's graph when they read run-time tensors.
    static let translatedOps: [String] = [
        "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "Conv", "Div", "Dropout",
        "Erf", "Flatten", "Gather", "Gelu", "Gemm", "GlobalAveragePool", "HardSigmoid", "HardSwish", "Identity",
        "LayerNormalization", "LeakyRelu", "MatMul", "MaxPool", "Mul", "Pad", "Pow", "ReduceMean", "Relu", "Reshape",
        "Sigmoid", "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Transpose", "Unsqueeze",
    ]

    /// The node's translation: usually one item; LayerNormalization, Gelu and a ReduceMean
    /// that is a global average pool become several (`NodeTranslator+Composite`).
    func translate(_ proto: Onnx_NodeProto, name: String) throws -> [TranslatedNode] {
        let qualifiedOp = proto.qualifiedOpType
        let context = NodeContext(file: file, node: name, op: qualifiedOp)
        guard qualifiedOp == proto.opType, NodeTranslator.supportedOps.contains(proto.opType) else {
            throw ONNXImportError.unsupportedOp(file: file, node: name, op: qualifiedOp,
                                                supported: NodeTranslator.supportedOps)
        }
        let attributes = AttributeReader(proto, context: context)
        let inputs = proto.input
        let outputs = proto.output.filter { !$0.isEmpty }
        guard let output = proto.output.first, !output.isEmpty else {
            throw context.unsupported("the node has no output")
        }
        switch proto.opType {
        case "Constant": return [try constant(attributes, output: output, context)]
        case "BatchNormalization": return [try batchNorm(attributes, inputs, proto.output, context)]
        default: break
        }
        guard let source = inputs.first, !source.isEmpty else {
            throw context.unsupported("the first input is missing")
        }
        if proto.opType == "Dropout" { try checkInference(inputs, context) }
        if proto.opType == "Identity" || proto.opType == "Dropout" || isFloatCast(proto.opType, attributes, source) {
            return [.passThrough(name: name, op: proto.opType, input: source, output: output,
                                 unusedOutputs: Array(outputs.dropFirst()))]
        }
        if proto.opType == "Split" { return try split(attributes, inputs, outputs: proto.output, name: name, context) }
        guard outputs.count == 1 else {
            throw context.unsupported("extra outputs \(outputs.dropFirst()) are not supported")
        }
        if let composite = try composite(proto.opType, attributes, inputs, name: name, output: output, context) {
            return composite
        }
        let (op, operands) = try operation(proto.opType, attributes, inputs, context)
        return [.node(Node(name: name, op: op, inputs: operands, outputs: [output]))]
    }

    /// Dropout is the identity at inference; its training_mode input (opset ≥ 12) must be a
    /// constant false.
    private func checkInference(_ inputs: [String], _ context: NodeContext) throws {
        guard inputs.count > 2, !inputs[2].isEmpty else { return }
        guard case .integer(_, let values)? = known.constants[inputs[2]], values.allSatisfy({ $0 == 0 }) else {
            throw context.unsupported("training_mode '\(inputs[2])' is not a constant false; lapq runs the network for inference")
        }
    }

    /// A Cast of a float activation to float32 changes nothing (exporters write it around
    /// mixed-precision blocks).
    private func isFloatCast(_ opType: String, _ attributes: AttributeReader, _ source: String) -> Bool {
        guard opType == "Cast", known.values[source] == nil else { return false }
        return (try? attributes.int("to", default: 0)) == Onnx_TensorProto.DataType.float.rawValue
    }

    /// The operator of a single-output op and the tensors it reads; empty (omitted optional)
    /// inputs are dropped, and inputs folded into the operator (Clip, Reshape) are not listed.
    private func operation(_ opType: String, _ attributes: AttributeReader, _ inputs: [String],
                           _ context: NodeContext) throws -> (Operator, [String]) {
        let present = inputs.filter { !$0.isEmpty }
        switch opType {
        case "Conv": return (try .conv(convAttributes(attributes, inputs)), present)
        case "Gemm": return (try .gemm(gemmAttributes(attributes)), present)
        case "MatMul": return (.matMul, present)
        case "Relu": return (.relu, present)
        case "Sigmoid": return (.sigmoid, present)
        case "Add": return (.add, present)
        case "Mul": return (.mul, present)
        case "Sub": return (.sub, present)
        case "Div": return (.div, present)
        case "Pow": return (.pow, present)
        case "Sqrt": return (.sqrt, present)
        case "Erf": return (.erf, present)
        case "Transpose": return (.transpose(perm: try attributes.ints("perm", default: [])), present)
        case "Slice": return (.slice(try sliceAttributes(attributes, inputs, context)), [inputs[0]])
        case "ReduceMean": return (try reduceMean(attributes, inputs, context), [inputs[0]])
        case "Unsqueeze", "Squeeze": return (.reshape(shape: try viewTarget(opType, attributes, inputs, context)), [inputs[0]])
        case "Pad": return (.pad(try padAttributes(attributes, inputs, context)), [inputs[0]])
        case "GlobalAveragePool": return (.globalAveragePool, present)
        case "LeakyRelu": return (.leakyRelu(alpha: try attributes.float("alpha", default: 0.01)), present)
        case "HardSigmoid":
            return (.hardSigmoid(alpha: try attributes.float("alpha", default: 0.2),
                                 beta: try attributes.float("beta", default: 0.5)), present)
        case "HardSwish":
            // HardSwish entered the default domain in opset 14; an older model cannot name it.
            guard opset >= 14 else { throw context.unsupported("HardSwish needs opset ≥ 14; the model imports opset \(opset)") }
            return (.hardSwish, present)
        case "Clip": return (try clip(attributes, inputs, context), [inputs[0]])
        case "MaxPool": return (.maxPool(try poolAttributes(attributes, isMax: true)), present)
        case "AveragePool": return (.averagePool(try poolAttributes(attributes, isMax: false)), present)
        case "Concat": return (.concat(axis: try attributes.int("axis", default: 1)), present)
        case "Flatten": return (.flatten(axis: try attributes.int("axis", default: 1)), present)
        case "Reshape": return (.reshape(shape: try reshapeTarget(attributes, inputs, context)), [inputs[0]])
        case "Softmax": return (.softmax(axis: try attributes.int("axis", default: opset < 13 ? 1 : -1)), present)
        case _ where ConstantInterpreter.ops.contains(opType):
            throw context.unsupported("\(opType) is supported only where it does not depend on the pixels "
                                      + "(import evaluates it), and this one reads a tensor computed at run time")
        default:
            throw ONNXImportError.unsupportedOp(file: file, node: context.node, op: opType,
                                                supported: NodeTranslator.supportedOps)
        }
    }

    private func convAttributes(_ attributes: AttributeReader, _ inputs: [String]) throws -> ConvAttributes {
        var kernel = try attributes.ints("kernel_shape", default: [])
        if kernel.isEmpty, inputs.count > 1, let weight = known.constants[inputs[1]], weight.shape.count > 2 {
            kernel = Array(weight.shape[2...])
        }
        guard !kernel.isEmpty else {
            throw attributes.context.unsupported("no kernel_shape and the weight is not a constant")
        }
        try requireTwoDimensional(kernel, attributes.context)
        let ones = [Int](repeating: 1, count: kernel.count)
        return ConvAttributes(
            kernelShape: kernel, strides: try attributes.ints("strides", default: ones),
            dilations: try attributes.ints("dilations", default: ones),
            pads: try attributes.ints("pads", default: ones.map { _ in 0 } + ones.map { _ in 0 }),
            autoPad: try autoPad(attributes), group: try attributes.int("group", default: 1))
    }

    private func poolAttributes(_ attributes: AttributeReader, isMax: Bool) throws -> PoolAttributes {
        let kernel = try attributes.ints("kernel_shape", default: [])
        guard !kernel.isEmpty else { throw attributes.context.unsupported("kernel_shape is missing") }
        try requireTwoDimensional(kernel, attributes.context)
        if isMax, try attributes.int("storage_order", default: 0) != 0 {
            throw attributes.context.unsupported("storage_order 1 is not supported")
        }
        let ones = [Int](repeating: 1, count: kernel.count)
        let dilations = try attributes.ints("dilations", default: ones)
        guard isMax || dilations == ones else {
            throw attributes.context.unsupported("AveragePool dilations \(dilations) are not supported")
        }
        return PoolAttributes(
            kernelShape: kernel, strides: try attributes.ints("strides", default: ones),
            pads: try attributes.ints("pads", default: ones.map { _ in 0 } + ones.map { _ in 0 }),
            autoPad: try autoPad(attributes), dilations: dilations,
            ceilMode: try attributes.int("ceil_mode", default: 0) != 0,
            countIncludePad: try attributes.int("count_include_pad", default: 0) != 0)
    }

    /// The executors run 2-D windows over (N, C, H, W) only (`Conv2DGeometry`, `Pool2DGeometry`),
    /// so a 1-D or 3-D one is refused at import rather than on its first run.
    private func requireTwoDimensional(_ kernel: [Int], _ context: NodeContext) throws {
        guard kernel.count == 2 else {
            throw context.unsupported("only 2-D windows over (N, C, H, W) run; kernel_shape \(kernel) is \(kernel.count)-D")
        }
    }

    private func autoPad(_ attributes: AttributeReader) throws -> AutoPad {
        let text = try attributes.string("auto_pad", default: "NOTSET")
        guard let mode = AutoPad(rawValue: text.isEmpty ? "NOTSET" : text) else {
            throw attributes.context.unsupported("auto_pad '\(text)' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
        }
        return mode
    }

    private func gemmAttributes(_ attributes: AttributeReader) throws -> GemmAttributes {
        GemmAttributes(alpha: try attributes.float("alpha", default: 1),
                       beta: try attributes.float("beta", default: 1),
                       transA: try attributes.int("transA", default: 0) != 0,
                       transB: try attributes.int("transB", default: 0) != 0)
    }
}
