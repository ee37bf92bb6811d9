import LAPQKernels

/// Element-wise arithmetic, comparisons, casts and generators of the import-time interpreter.
/// Comparisons produce 0/1 integers (ONNX bool). Both operands of a binary op have one element
/// type, as ONNX requires.
extension ConstantInterpreter {
    func binary(_ op: String, _ a: StoredTensor, _ b: StoredTensor) throws -> StoredTensor {
        let shape: [Int]
        do {
            shape = try broadcastShape(a.shape, b.shape, op: op)
        } catch {
            throw context.unsupported("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let fromA = broadcastIndices(from: a.shape, to: shape), fromB = broadcastIndices(from: b.shape, to: shape)
        switch (a, b) {
        case let (.integer(_, x), .integer(_, y)):
            return .integer(shape: shape, values: try zip(fromA, fromB).map { try integer(op, x[$0], y[$1]) })
        case let (.float(x), .float(y)):
            if ["Equal", "Less", "Greater"].contains(op) {
                return .integer(shape: shape, values: zip(fromA, fromB).map { compare(op, x.data[$0], y.data[$1]) })
            }
            return .float(Tensor(shape: shape, data: zip(fromA, fromB).map { float(op, x.data[$0], y.data[$1]) }))
        default:
            throw context.unsupported("operands of different element types (float and integer)")
        }
    }

    private func integer(_ op: String, _ x: Int64, _ y: Int64) throws -> Int64 {
        switch op {
        case "Add": return x &+ y
        case "Sub": return x &- y
        case "Mul": return x &* y
        case "Div":
            guard y != 0 else { throw context.unsupported("integer division by zero") }
            return x.dividedReportingOverflow(by: y).partialValue
        case "Min": return min(x, y)
        case "Max": return max(x, y)
        default: return compare(op, x, y)
        }
    }

    private func float(_ op: String, _ x: Float, _ y: Float) -> Float {
        switch op {
        case "Add": return x + y
        case "Sub": return x - y
        case "Mul": return x * y
        case "Div": return x / y
        // ONNX Min/Max propagate NaN.
        case "Min": return x.isNaN || y.isNaN ? .nan : min(x, y)
        default: return x.isNaN || y.isNaN ? .nan : max(x, y)
        }
    }

    private func compare<Value: Comparable>(_ op: String, _ x: Value, _ y: Value) -> Int64 {
        switch op {
        case "Equal": return x == y ? 1 : 0
        case "Less": return x < y ? 1 : 0
        default: return x > y ? 1 : 0
        }
    }

    func unary(_ op: String, _ x: StoredTensor) throws -> StoredTensor {
        switch x {
        case .integer(let shape, let values):
            return .integer(shape: shape, values: values.map { op == "Neg" ? 0 &- $0 : ($0 < 0 ? 0 &- $0 : $0) })
        case .float(let tensor):
            return .float(Tensor(shape: tensor.shape, data: tensor.data.map { op == "Neg" ? -$0 : abs($0) }))
        }
    }

    /// `Where(condition, x, y)`, broadcasting all three.
    func whereSelect(_ operands: [StoredTensor]) throws -> StoredTensor {
        guard operands.count == 3, let condition = operands[0].integerValues else {
            throw context.unsupported("needs a boolean condition and two values")
        }
        let (x, y) = (operands[1], operands[2])
        let shape: [Int]
        do {
            shape = try broadcastShape(try broadcastShape(operands[0].shape, x.shape, op: "Where"), y.shape, op: "Where")
        } catch {
            throw context.unsupported("shapes \(operands.map(\.shape)) do not broadcast")
        }
        let fromCondition = broadcastIndices(from: operands[0].shape, to: shape)
        let fromX = broadcastIndices(from: x.shape, to: shape), fromY = broadcastIndices(from: y.shape, to: shape)
        switch (x, y) {
        case let (.integer(_, a), .integer(_, b)):
            return .integer(shape: shape, values:
                (0..<fromX.count).map { condition[fromCondition[$0]] != 0 ? a[fromX[$0]] : b[fromY[$0]] })
        case let (.float(a), .float(b)):
            return .float(Tensor(shape: shape, data:
                (0..<fromX.count).map { condition[fromCondition[$0]] != 0 ? a.data[fromX[$0]] : b.data[fromY[$0]] }))
        default:
            throw context.unsupported("values of different element types (float and integer)")
        }
    }

    /// Cast to an integer type (floats truncate toward zero, as C and onnxruntime do) or to a
    /// float type (rounded to Float32, the executor's precision).
    func cast(_ x: StoredTensor) throws -> StoredTensor {
        let target = try attributes.int("to", default: 0)
        guard let type = Onnx_TensorProto.DataType(rawValue: target) else { throw context.unsupported("unknown type \(target)") }
        let integerTypes: Set<Onnx_TensorProto.DataType> = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .bool]
        let floatTypes: Set<Onnx_TensorProto.DataType> = [.float, .double, .float16, .bfloat16]
        if floatTypes.contains(type) { return .float(Tensor(shape: x.shape, data: x.doubleValues.map { Float($0) })) }
        guard integerTypes.contains(type) else { throw context.unsupported("a Cast to \(type) is not supported") }
        if type == .bool { return .integer(shape: x.shape, values: x.doubleValues.map { $0 != 0 ? 1 : 0 }) }
        if let values = x.integerValues { return .integer(shape: x.shape, values: values) }
        let truncated = try x.doubleValues.map { value -> Int64 in
            guard value.isFinite, abs(value) < 9.2e18 else { throw context.unsupported("\(value) does not fit \(type)") }
            return Int64(value)
        }
        return .integer(shape: x.shape, values: truncated)
    }

    /// A tensor of the given shape filled with `value`'s one element (default float 0).
    func constantOfShape(_ shape: StoredTensor) throws -> StoredTensor {
        let dims = try integers(shape, "the shape")
        guard dims.allSatisfy({ $0 >= 0 }) else { throw context.unsupported("negative size in shape \(dims)") }
        let count = dims.reduce(1, *)
        guard var proto = try attributes.tensor("value") else { return .float(Tensor(shape: dims)) }
        proto.name = context.node
        switch try TensorDecoder(file: context.file, externalData: .none).decode(proto) {
        case .float(let scalar) where scalar.count == 1:
            return .float(Tensor(shape: dims, repeating: scalar.data[0]))
        case .integer(_, let values) where values.count == 1:
            return .integer(shape: dims, values: Array(repeating: values[0], count: count))
        default:
            throw context.unsupported("value must hold one element")
        }
    }

    /// `Range(start, limit, delta)`: `max(ceil((limit − start) / delta), 0)` elements.
    func range(_ operands: [StoredTensor]) throws -> StoredTensor {
        guard operands.count == 3, operands.allSatisfy({ $0.count == 1 }) else {
            throw context.unsupported("start, limit and delta must be scalars")
        }
        if let start = operands[0].integerValues?[0], let limit = operands[1].integerValues?[0],
           let delta = operands[2].integerValues?[0] {
            guard delta != 0 else { throw context.unsupported("delta is 0") }
            let count = max(0, Int((limit - start + delta + (delta > 0 ? -1 : 1)) / delta))
            return .integer(shape: [count], values: (0..<count).map { start + Int64($0) * delta })
        }
        // In Float32, as ONNX's definition computes `start + i · delta` in the inputs' type.
        let (start, limit, delta) = (Float(operands[0].doubleValues[0]), Float(operands[1].doubleValues[0]),
                                     Float(operands[2].doubleValues[0]))
        guard delta != 0, ((limit - start) / delta).isFinite else { throw context.unsupported("delta \(delta) gives no finite length") }
        let count = max(0, Int(((limit - start) / delta).rounded(.up)))
        return .float(Tensor(shape: [count], data: (0..<count).map { start + Float($0) * delta }))
    }
}
