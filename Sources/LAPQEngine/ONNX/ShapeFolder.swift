import LAPQKernels

/// Evaluates at import the integer subgraphs that compute only from constants and from
/// shapes import knows (docs/engine.md, "Shape arithmetic"): Shape, Gather, Unsqueeze,
/// Squeeze, Concat, Slice, Cast, ConstantOfShape, Add, Sub, Mul and Div on integer tensors.
/// Values are `BatchAffine` in the batch size, so one import serves every batch size.
struct ShapeFolder {
    let file: String
    let opset: Int

    /// Op types this folder evaluates when their inputs are known integers (Shape: when its
    /// input's shape is known).
    static let foldableOps: Set<String> = [
        "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "ConstantOfShape",
        "Add", "Sub", "Mul", "Div",
    ]

    /// What a folded node produces.
    enum Result {
        case integer(FoldedInteger)
        /// ConstantOfShape (or a Cast to float) of batch-independent values.
        case constant(StoredTensor)
    }

    /// The value of `proto`'s output, or nil when the node is not shape arithmetic (its op is
    /// not foldable, or an input is neither a known integer nor, for Shape, a known shape).
    /// `integers` are the known integer tensors; `shapes` the sample shapes known so far (batch
    /// 1) and `batched` the tensors whose leading axis is the batch.
    func fold(_ proto: Onnx_NodeProto, name: String, integers: [String: FoldedInteger],
              shapes: [String: [Int]], batched: Set<String>) throws -> Result? {
        guard proto.domain.isEmpty || proto.domain == "ai.onnx", Self.foldableOps.contains(proto.opType),
              proto.output.count == 1, let source = proto.input.first else { return nil }
        let context = NodeContext(file: file, node: name, op: proto.opType)
        let attributes = AttributeReader(proto, context: context)
        if proto.opType == "Shape" {
            guard let shape = shapes[source] else { return nil }
            return .integer(try shapeOf(shape, isBatched: batched.contains(source), attributes))
        }
        let operands = proto.input.map { $0.isEmpty ? nil : integers[$0] }
        guard zip(proto.input, operands).allSatisfy({ $0.isEmpty || $1 != nil }), let first = operands[0] else { return nil }
        let arithmetic = IntegerArithmetic(context: context)
        switch proto.opType {
        case "Gather": return .integer(try gather(first, operands, attributes, context))
        case "Unsqueeze", "Squeeze": return .integer(try squeezing(proto.opType, first, operands, attributes, context))
        case "Concat": return .integer(try concat(operands.compactMap { $0 }, attributes, context))
        case "Slice": return .integer(try slice(first, operands, context))
        case "Cast": return try cast(first, attributes, context)
        case "ConstantOfShape": return .constant(try constantOfShape(first, attributes, context))
        default:
            guard operands.count == 2, let second = operands[1] else { throw context.unsupported("needs two inputs") }
            return .integer(try arithmetic.apply(proto.opType, first, second))
        }
    }

    /// Shape (opset 15 adds `start` / `end`, clamped like Slice's).
    private func shapeOf(_ sample: [Int], isBatched: Bool, _ attributes: AttributeReader) throws -> FoldedInteger {
        let dims = sample.enumerated().map { axis, size in axis == 0 && isBatched ? BatchAffine.batch : .fixed(Int64(size)) }
        let range = SliceRange(start: try attributes.int("start", default: 0), end: try attributes.int("end", default: Int.max),
                               step: 1, size: dims.count)
        let kept = Array(dims[range.start..<(range.start + range.count)])
        return FoldedInteger(shape: [kept.count], values: kept)
    }

    private func gather(_ data: FoldedInteger, _ operands: [FoldedInteger?], _ attributes: AttributeReader,
                        _ context: NodeContext) throws -> FoldedInteger {
        guard operands.count == 2, let indices = operands[1]?.fixedValues, let indexShape = operands[1]?.shape else {
            throw context.unsupported("the indices must be constant integers")
        }
        let axis = try folded(axis: try attributes.int("axis", default: 0), rank: data.shape.count, context)
        let size = data.shape[axis], inner = data.shape[(axis + 1)...].reduce(1, *)
        let outer = data.shape[..<axis].reduce(1, *)
        var values: [BatchAffine] = []
        for block in 0..<outer {
            for index in indices {
                let position = index < 0 ? Int(index) + size : Int(index)
                guard (0..<size).contains(position) else { throw context.unsupported("index \(index) is outside \(size)") }
                values += data.values[((block * size + position) * inner)..<((block * size + position + 1) * inner)]
            }
        }
        return FoldedInteger(shape: Array(data.shape[..<axis]) + indexShape + Array(data.shape[(axis + 1)...]), values: values)
    }

    /// Unsqueeze inserts size-1 axes, Squeeze removes them (all when no axes are given); the
    /// axes are an attribute before opset 13 and an input from 13 on.
    private func squeezing(_ op: String, _ data: FoldedInteger, _ operands: [FoldedInteger?],
                           _ attributes: AttributeReader, _ context: NodeContext) throws -> FoldedInteger {
        let given: [Int]
        if opset < 13 {
            given = try attributes.ints("axes", default: [])
        } else if operands.count > 1, let axes = operands[1] {
            guard let fixed = axes.fixedValues else { throw context.unsupported("the axes must be constant") }
            given = fixed.map { Int($0) }
        } else {
            given = []
        }
        if op == "Unsqueeze" {
            let rank = data.shape.count + given.count
            let axes = Set(try given.map { try folded(axis: $0, rank: rank, context) })
            guard axes.count == given.count, !given.isEmpty else { throw context.unsupported("axes \(given) are invalid") }
            var shape: [Int] = [], remaining = data.shape[...]
            for axis in 0..<rank { shape.append(axes.contains(axis) ? 1 : remaining.removeFirst()) }
            return FoldedInteger(shape: shape, values: data.values)
        }
        let axes = Set(try given.map { try folded(axis: $0, rank: data.shape.count, context) })
        guard axes.allSatisfy({ data.shape[$0] == 1 }) else { throw context.unsupported("axes \(given) are not of size 1") }
        let shape = data.shape.indices.filter { axes.isEmpty ? data.shape[$0] != 1 : !axes.contains($0) }.map { data.shape[$0] }
        return FoldedInteger(shape: shape, values: data.values)
    }

    private func concat(_ parts: [FoldedInteger], _ attributes: AttributeReader, _ context: NodeContext) throws -> FoldedInteger {
        let first = parts[0]
        let axis = try folded(axis: try attributes.int("axis", default: 0), rank: first.shape.count, context)
        var shape = first.shape
        shape[axis] = 0
        for part in parts {
            guard part.shape.count == first.shape.count,
                  part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == first.shape[$0] }) else {
                throw context.unsupported("shapes \(parts.map(\.shape)) differ outside axis \(axis)")
            }
            shape[axis] += part.shape[axis]
        }
        let outer = first.shape[..<axis].reduce(1, *)
        var values: [BatchAffine] = []
        for block in 0..<outer {
            for part in parts {
                let run = part.shape[axis...].reduce(1, *)
                values += part.values[(block * run)..<((block + 1) * run)]
            }
        }
        return FoldedInteger(shape: shape, values: values)
    }

    /// Slice (opset ≥ 10: starts, ends, axes, steps are inputs), on any axes.
    private func slice(_ data: FoldedInteger, _ operands: [FoldedInteger?], _ context: NodeContext) throws -> FoldedInteger {
        guard opset >= 10 else { throw context.unsupported("Slice of shape values needs opset ≥ 10") }
        func parameter(_ index: Int) throws -> [Int]? {
            guard index < operands.count, let operand = operands[index] else { return nil }
            guard let fixed = operand.fixedValues else { throw context.unsupported("slice parameters must not depend on the batch") }
            return fixed.map { Int(clamping: $0) }
        }
        guard let starts = try parameter(1), let ends = try parameter(2) else { throw context.unsupported("starts and ends are needed") }
        let axes = try (parameter(3) ?? Array(starts.indices)).map { try folded(axis: $0, rank: data.shape.count, context) }
        let steps = try parameter(4) ?? starts.map { _ in 1 }
        let ranges: [SliceRange]
        do {
            ranges = try sliceRanges(shape: data.shape, starts: starts, ends: ends, axes: axes, steps: steps)
        } catch {
            throw context.unsupported("\(error)")
        }
        let shape = ranges.map(\.count), strides = rowMajorStrides(data.shape)
        let values = (0..<shape.reduce(1, *)).map { flat -> BatchAffine in
            var remainder = flat, source = 0
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                source += (ranges[axis].start + (remainder % shape[axis]) * ranges[axis].step) * strides[axis]
                remainder /= shape[axis]
            }
            return data.values[source]
        }
        return FoldedInteger(shape: shape, values: values)
    }

    /// Cast to an integer type keeps the values; to a float type they must be fixed.
    private func cast(_ data: FoldedInteger, _ attributes: AttributeReader, _ context: NodeContext) throws -> Result {
        let target = try attributes.int("to", default: 0)
        let integerTypes: Set<Onnx_TensorProto.DataType> = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64]
        let floatTypes: Set<Onnx_TensorProto.DataType> = [.float, .double, .float16, .bfloat16]
        guard let type = Onnx_TensorProto.DataType(rawValue: target) else { throw context.unsupported("unknown type \(target)") }
        if integerTypes.contains(type) { return .integer(data) }
        guard floatTypes.contains(type), let fixed = data.fixedValues else {
            throw context.unsupported("a Cast to \(type) of values that depend on the batch size is not supported")
        }
        return .constant(.float(Tensor(shape: data.shape, data: fixed.map { Float($0) })))
    }

    /// A tensor of the given (batch-independent) shape filled with `value` (default float 0).
    private func constantOfShape(_ shape: FoldedInteger, _ attributes: AttributeReader, _ context: NodeContext) throws -> StoredTensor {
        guard let dims = shape.fixedValues?.map({ Int($0) }), dims.allSatisfy({ $0 >= 0 }) else {
            throw context.unsupported("a shape that depends on the batch size is not supported")
        }
        let count = dims.reduce(1, *)
        guard var proto = try attributes.tensor("value") else { return .float(Tensor(shape: dims)) }
        proto.name = context.node
        switch try TensorDecoder(file: file, externalData: .none).decode(proto) {
        case .float(let scalar) where scalar.count == 1:
            return .float(Tensor(shape: dims, repeating: scalar.data[0]))
        case .integer(_, let values) where values.count == 1:
            return .integer(shape: dims, values: Array(repeating: values[0], count: count))
        default:
            throw context.unsupported("value must hold one element")
        }
    }

    private func folded(axis: Int, rank: Int, _ context: NodeContext) throws -> Int {
        guard axis >= -rank, axis < rank else { throw context.unsupported("axis \(axis) is out of range for rank \(rank)") }
        return axis < 0 ? axis + rank : axis
    }
}

/// Add, Sub, Mul and Div of folded integers with NumPy broadcasting; Div truncates toward
/// zero as onnxruntime's integer Div does.
struct IntegerArithmetic {
    let context: NodeContext

    func apply(_ op: String, _ a: FoldedInteger, _ b: FoldedInteger) throws -> FoldedInteger {
        let shape: [Int]
        do {
            shape = try broadcastShape(a.shape, b.shape, op: op)
        } catch {
            throw context.unsupported("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let fromA = broadcastIndices(from: a.shape, to: shape), fromB = broadcastIndices(from: b.shape, to: shape)
        var values: [BatchAffine] = []
        for index in fromA.indices {
            values.append(try combine(op, a.values[fromA[index]], b.values[fromB[index]]))
        }
        return FoldedInteger(shape: shape, values: values)
    }

    private func combine(_ op: String, _ x: BatchAffine, _ y: BatchAffine) throws -> BatchAffine {
        switch op {
        case "Add": return BatchAffine(batchFactor: x.batchFactor &+ y.batchFactor, offset: x.offset &+ y.offset)
        case "Sub": return BatchAffine(batchFactor: x.batchFactor &- y.batchFactor, offset: x.offset &- y.offset)
        case "Mul":
            if let factor = y.fixedValue { return BatchAffine(batchFactor: x.batchFactor &* factor, offset: x.offset &* factor) }
            if let factor = x.fixedValue { return BatchAffine(batchFactor: y.batchFactor &* factor, offset: y.offset &* factor) }
        default:
            guard let divisor = y.fixedValue, divisor != 0 else { break }
            if x.batchFactor == 0 { return .fixed(x.offset / divisor) }
            // Exact only when both parts divide; otherwise the quotient is not affine in N.
            if x.batchFactor % divisor == 0, x.offset % divisor == 0 {
                return BatchAffine(batchFactor: x.batchFactor / divisor, offset: x.offset / divisor)
            }
        }
        throw context.unsupported("\(op) of shape values that depend on the batch size this way is not supported")
    }
}
