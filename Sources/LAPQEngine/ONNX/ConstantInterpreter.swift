import LAPQKernels

/// Evaluates one ONNX node on values known at import — constants, initializers and the shapes
/// of run-time tensors — for one batch size (docs/engine.md, "Import-time folding"). It is the
/// one interpreter import uses for every node that does not depend on the pixels, whatever
/// its op: shape arithmetic (Shape, Gather, Concat, Range, …), integer and float element-wise
/// arithmetic, layout (Reshape, Transpose, Slice, Expand, …) and casts. Float operations it
/// does not list run on the executor's naive kernels instead (`GraphBuilder`).
///
/// Integer arithmetic wraps on overflow and integer Div truncates toward zero, as
/// onnxruntime's does; floats are Float32 as in the executor.
struct ConstantInterpreter {
    let context: NodeContext
    let opset: Int
    let attributes: AttributeReader

    /// The op types this interpreter evaluates.
    static let ops: Set<String> = [
        "Identity", "Shape", "Size", "Cast", "ConstantOfShape", "Range", "Gather", "Unsqueeze", "Squeeze", "Reshape",
        "Flatten", "Expand", "Concat", "Slice", "Transpose", "Add", "Sub", "Mul", "Div", "Neg", "Abs", "Min", "Max",
        "Equal", "Less", "Greater", "Where",
    ]

    init(_ proto: Onnx_NodeProto, name: String, file: String, opset: Int) {
        self.init(attributes: AttributeReader(proto, context: NodeContext(file: file, node: name, op: proto.opType)), opset: opset)
    }

    init(attributes: AttributeReader, opset: Int) {
        context = attributes.context
        self.opset = opset
        self.attributes = attributes
    }

    /// The node's single output. `inputs[i]` is the value of input `i` (nil: absent or not
    /// known); `shapes[i]` its shape, known for run-time tensors too (Shape and Size read only
    /// that). The caller has checked that every input the op reads is known.
    func evaluate(_ op: String, inputs: [StoredTensor?], shapes: [[Int]?]) throws -> StoredTensor {
        switch op {
        case "Shape": return try shapeOf(shapes[0] ?? [])
        case "Size": return .integer(shape: [], values: [Int64((shapes[0] ?? []).reduce(1, *))])
        default: break
        }
        let operands = try present(inputs)
        switch op {
        case "Identity": return operands[0]
        case "Cast": return try cast(operands[0])
        case "ConstantOfShape": return try constantOfShape(operands[0])
        case "Range": return try range(operands)
        case "Where": return try whereSelect(operands)
        case "Neg", "Abs": return try unary(op, operands[0])
        case "Add", "Sub", "Mul", "Div", "Min", "Max", "Equal", "Less", "Greater":
            return try operands.dropFirst().reduce(operands[0]) { try binary(op, $0, $1) }
        default: return try layout(op, operands, inputs)
        }
    }

    /// The present inputs, in order; every input the op reads must be known.
    private func present(_ inputs: [StoredTensor?]) throws -> [StoredTensor] {
        guard inputs.first.flatMap({ $0 }) != nil else { throw context.unsupported("the first input is missing") }
        return inputs.compactMap { $0 }
    }

    /// Shape (opset 15 adds `start` / `end`, clamped like Slice's).
    private func shapeOf(_ shape: [Int]) throws -> StoredTensor {
        let range = SliceRange(start: try attributes.int("start", default: 0), end: try attributes.int("end", default: Int.max),
                               step: 1, size: shape.count)
        let kept = shape[range.start..<(range.start + range.count)].map { Int64($0) }
        return .integer(shape: [kept.count], values: kept)
    }

    /// An axis in `-rank..<rank` made non-negative.
    func normalized(axis: Int, rank: Int) throws -> Int {
        guard axis >= -rank, axis < rank else { throw context.unsupported("axis \(axis) is out of range for rank \(rank)") }
        return axis < 0 ? axis + rank : axis
    }

    /// An integer input's values as Ints (axes, shapes, indices).
    func integers(_ value: StoredTensor, _ what: String) throws -> [Int] {
        guard let values = value.integerValues else { throw context.unsupported("\(what) must be integers") }
        return values.map { Int(clamping: $0) }
    }
}
