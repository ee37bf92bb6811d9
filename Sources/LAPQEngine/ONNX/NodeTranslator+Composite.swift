/// ONNX operations that import writes as several lapq nodes, and the parameters of ReduceMean
/// and Slice (docs/engine.md, "Composite operations"):
/// - LayerNormalization → its ONNX definition as ReduceMean, Sub, Mul, ReduceMean, Add(ε), Sqrt,
///   Div, Mul(scale), Add(bias) — the same nodes older exporters write for it;
/// - Gelu (approximate "none") → `x · (1 + erf(x / √2)) · ½` as Div, Erf, Add, Mul, Mul, the
///   form PyTorch exports before opset 20;
/// - ReduceMean over both spatial axes of an (N, C, H, W) tensor → GlobalAveragePool, then Flatten(1) without
///   keepdims, which runs on the oneDNN pooling primitive;
/// - Gather of a run-time tensor with indices known at import that select a strided range →
///   Slice, then Reshape (`NodeTranslator+Views`).
extension NodeTranslator {
    /// The nodes of a composite operation, or nil when `opType` is translated one to one.
    func composite(_ opType: String, _ attributes: AttributeReader, _ inputs: [String], name: String,
                   output: String, _ context: NodeContext) throws -> [TranslatedNode]? {
        switch opType {
        case "LayerNormalization": return try layerNormalization(attributes, inputs, name: name, output: output, context)
        case "Gelu": return try gelu(attributes, inputs[0], name: name, output: output, context)
        case "ReduceMean": return try spatialMean(attributes, inputs, name: name, output: output, context)
        case "Gather": return try gatherAsSlice(attributes, inputs, name: name, output: output, context)
        default: return nil
        }
    }

    private func layerNormalization(_ attributes: AttributeReader, _ inputs: [String], name: String, output: String,
                                    _ context: NodeContext) throws -> [TranslatedNode] {
        let present = inputs.filter { !$0.isEmpty }
        guard present.count >= 2, inputs[0] == present[0], inputs[1] == present[1] else {
            throw context.unsupported("needs X and Scale")
        }
        guard let rank = known.shapes[inputs[0]]?.count else {
            throw context.unsupported("the shape of '\(inputs[0])' is not known at import")
        }
        let first = try attributes.int("axis", default: -1)
        guard first >= -rank, first < rank else { throw context.unsupported("axis \(first) is out of range for rank \(rank)") }
        let axes = Array((first < 0 ? first + rank : first)..<rank)
        let epsilon = try attributes.float("epsilon", default: 1e-5)
        var builder = CompositeBuilder(node: name, output: output, takenNames: takenNames)
        let x = inputs[0]
        let mean = builder.add("Mean", .reduceMean(axes: axes, keepDims: true), [x])
        let centered = builder.add("Centered", .sub, [x, mean])
        let squared = builder.add("Squared", .mul, [centered, centered])
        let variance = builder.add("Variance", .reduceMean(axes: axes, keepDims: true), [squared])
        let shifted = builder.add("VariancePlusEpsilon", .add, [variance, builder.scalar("epsilon", epsilon)])
        let deviation = builder.add("StandardDeviation", .sqrt, [shifted])
        let normalized = builder.add("Normalized", .div, [centered, deviation])
        let hasBias = present.count > 2
        let scaled = builder.add("Scaled", .mul, [normalized, inputs[1]], last: !hasBias)
        if hasBias { _ = builder.add("Shifted", .add, [scaled, inputs[2]], last: true) }
        return builder.items
    }

    private func gelu(_ attributes: AttributeReader, _ x: String, name: String, output: String,
                      _ context: NodeContext) throws -> [TranslatedNode] {
        let approximation = try attributes.string("approximate", default: "none")
        guard approximation == "none" else {
            throw context.unsupported("approximate '\(approximation)' is not supported; only 'none' (the erf form) is")
        }
        var builder = CompositeBuilder(node: name, output: output, takenNames: takenNames)
        let scaled = builder.add("Scaled", .div, [x, builder.scalar("sqrt2", Float(2).squareRoot())])
        let erf = builder.add("Erf", .erf, [scaled])
        let gate = builder.add("Gate", .add, [erf, builder.scalar("one", 1)])
        let gated = builder.add("Gated", .mul, [x, gate])
        _ = builder.add("Half", .mul, [gated, builder.scalar("half", 0.5)], last: true)
        return builder.items
    }

    /// A ReduceMean over axes 2… of an (N, C, H, W) tensor as GlobalAveragePool (+ Flatten);
    /// one with no axes and noop_with_empty_axes as a pass-through; nil otherwise.
    private func spatialMean(_ attributes: AttributeReader, _ inputs: [String], name: String, output: String,
                             _ context: NodeContext) throws -> [TranslatedNode]? {
        let axes = try reduceMeanAxes(attributes, inputs, context)
        if axes.isEmpty, try attributes.int("noop_with_empty_axes", default: 0) != 0 {
            return [.passThrough(name: name, op: "ReduceMean", input: inputs[0], output: output, unusedOutputs: [])]
        }
        guard let rank = known.shapes[inputs[0]]?.count, rank == 4,
              Set(axes.map { $0 < 0 ? $0 + rank : $0 }) == Set(2..<rank), axes.count == rank - 2 else { return nil }
        var builder = CompositeBuilder(node: name, output: output, takenNames: takenNames)
        let keepDims = try attributes.int("keepdims", default: 1) != 0
        let pooled = builder.add("GlobalAveragePool", .globalAveragePool, [inputs[0]], last: keepDims)
        if !keepDims { _ = builder.add("Flatten", .flatten(axis: 1), [pooled], last: true) }
        return builder.items
    }

    func reduceMean(_ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> Operator {
        .reduceMean(axes: try reduceMeanAxes(attributes, inputs, context),
                    keepDims: try attributes.int("keepdims", default: 1) != 0)
    }

    /// The axes are an attribute before opset 18 and an optional constant input from 18 on.
    private func reduceMeanAxes(_ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> [Int] {
        if opset < 18 { return try attributes.ints("axes", default: []) }
        guard inputs.count > 1, !inputs[1].isEmpty else { return [] }
        return try integerConstant(inputs[1], context)
    }

    /// Slice parameters: attributes before opset 10, constant inputs (starts, ends, axes?,
    /// steps?) from 10 on; values beyond Int's range are clamped (ONNX's INT64 sentinels).
    func sliceAttributes(_ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> SliceAttributes {
        let starts: [Int], ends: [Int]
        var axes: [Int]?, steps: [Int]?
        if opset < 10 {
            starts = try attributes.ints("starts", default: [])
            ends = try attributes.ints("ends", default: [])
            axes = attributes.has("axes") ? try attributes.ints("axes", default: []) : nil
        } else {
            guard inputs.count >= 3 else { throw context.unsupported("needs starts and ends") }
            starts = try integerConstant(inputs[1], context)
            ends = try integerConstant(inputs[2], context)
            if inputs.count > 3, !inputs[3].isEmpty { axes = try integerConstant(inputs[3], context) }
            if inputs.count > 4, !inputs[4].isEmpty { steps = try integerConstant(inputs[4], context) }
        }
        return SliceAttributes(starts: starts, ends: ends, axes: axes ?? Array(starts.indices),
                               steps: steps ?? starts.map { _ in 1 })
    }

    /// A constant integer input (folded shape arithmetic included), as Ints.
    func integerConstant(_ name: String, _ context: NodeContext) throws -> [Int] {
        if let value = known.values[name], value.dependsOnBatch {
            let probes = KnownValues.probeBatchSizes.indices.map { value.at($0).integerValues ?? [] }
            throw context.unsupported("needs '\(name)' as a constant, but import computes it from the batch size: "
                                      + "\(probes) at batch sizes \(KnownValues.probeBatchSizes)")
        }
        guard case .integer(_, let values)? = known.constants[name] else {
            throw ONNXImportError.unresolvableShape(file: file, node: context.node, op: context.op, tensor: name)
        }
        return values.map { Int(clamping: $0) }
    }
}

/// Collects the lapq nodes of one composite ONNX node: each named `<node>/<part>` and writing
/// `<output>/<part>` (made unique against the ONNX file's names), the last one writing the ONNX
/// node's own output; scalar constants become Constant items.
struct CompositeBuilder {
    let node: String
    let output: String
    private var names: UniqueNames
    private(set) var items: [TranslatedNode] = []

    init(node: String, output: String, takenNames: Set<String>) {
        self.node = node
        self.output = output
        self.names = UniqueNames(taken: takenNames)
    }

    /// Appends a node; returns the tensor it writes.
    mutating func add(_ part: String, _ op: Operator, _ inputs: [String], last: Bool = false) -> String {
        let result = last ? output : names.fresh("\(output)/\(part)")
        items.append(.node(Node(name: names.fresh("\(node)/\(part)"), op: op, inputs: inputs, outputs: [result])))
        return result
    }

    /// A float scalar constant; returns its name.
    mutating func scalar(_ part: String, _ value: Float) -> String {
        let name = names.fresh("\(output)/\(part)")
        items.append(.constant(output: name, value: .float(Tensor(shape: [], data: [value]))))
        return name
    }
}
