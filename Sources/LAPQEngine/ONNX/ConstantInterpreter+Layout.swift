import LAPQKernels

/// Layout operations of the import-time interpreter: each computes, for every output element,
/// the flat index of the input element it copies, and applies that map to float or integer
/// data alike (`StoredTensor.picking`). The shape rules of Squeeze, Unsqueeze and Reshape are
/// shared with the translation of those ops on run-time tensors (`outputShape`).
extension ConstantInterpreter {
    func layout(_ op: String, _ operands: [StoredTensor], _ inputs: [StoredTensor?]) throws -> StoredTensor {
        let x = operands[0]
        switch op {
        case "Unsqueeze", "Squeeze", "Reshape", "Flatten":
            return x.reshaped(try outputShape(op, input: x.shape, inputs: inputs))
        case "Gather": return try gather(x, operands)
        case "Expand": return try expand(x, operands)
        case "Concat": return try concat(operands)
        case "Slice": return try slice(x, inputs)
        case "Transpose": return try transpose(x)
        default:
            throw context.unsupported("\(op) is not evaluated at import")
        }
    }

    /// The output shape of a Squeeze, Unsqueeze, Reshape or Flatten of a tensor of shape
    /// `input`; `inputs` are the node's inputs (axes or target shape from input 1, by opset).
    func outputShape(_ op: String, input: [Int], inputs: [StoredTensor?]) throws -> [Int] {
        let second = inputs.count > 1 ? inputs[1] : nil
        switch op {
        case "Flatten":
            let axis = try normalized(axis: try attributes.int("axis", default: 1), rank: input.count + 1)
            return [input[..<axis].reduce(1, *), input[axis...].reduce(1, *)]
        case "Reshape":
            let target = opset < 5 ? try attributes.ints("shape", default: [])
                : try integers(try required(second, "the target shape"), "the target shape")
            return try reshaped(input, to: target)
        default:
            let axes = opset < 13 ? try attributes.ints("axes", default: [])
                : try second.map { try integers($0, "the axes") } ?? []
            return op == "Unsqueeze" ? try unsqueezed(input, axes: axes) : try squeezed(input, axes: axes)
        }
    }

    private func required(_ value: StoredTensor?, _ what: String) throws -> StoredTensor {
        guard let value else { throw context.unsupported("\(what) is missing") }
        return value
    }

    private func unsqueezed(_ shape: [Int], axes given: [Int]) throws -> [Int] {
        let rank = shape.count + given.count
        let axes = Set(try given.map { try normalized(axis: $0, rank: rank) })
        guard axes.count == given.count, !given.isEmpty else { throw context.unsupported("axes \(given) are invalid") }
        var result: [Int] = [], remaining = shape[...]
        for axis in 0..<rank { result.append(axes.contains(axis) ? 1 : remaining.removeFirst()) }
        return result
    }

    private func squeezed(_ shape: [Int], axes given: [Int]) throws -> [Int] {
        let axes = Set(try given.map { try normalized(axis: $0, rank: shape.count) })
        guard axes.allSatisfy({ shape[$0] == 1 }) else { throw context.unsupported("axes \(given) of \(shape) are not of size 1") }
        return shape.indices.filter { axes.isEmpty ? shape[$0] != 1 : !axes.contains($0) }.map { shape[$0] }
    }

    /// ONNX Reshape: a 0 copies the input's size at that position (allowzero 0), one −1 is inferred.
    private func reshaped(_ shape: [Int], to target: [Int]) throws -> [Int] {
        let allowZero = try attributes.int("allowzero", default: 0) != 0
        var result = target.enumerated().map { index, size in size == 0 && !allowZero && index < shape.count ? shape[index] : size }
        let known = result.filter { $0 != -1 }.reduce(1, *), count = shape.reduce(1, *)
        if let inferred = result.firstIndex(of: -1) {
            guard result.filter({ $0 == -1 }).count == 1, known > 0, count % known == 0 else {
                throw context.unsupported("target \(target) does not fit \(shape)")
            }
            result[inferred] = count / known
        }
        guard result.allSatisfy({ $0 >= 0 }), result.reduce(1, *) == count else {
            throw context.unsupported("target \(target) does not fit \(shape)")
        }
        return result
    }

    private func gather(_ data: StoredTensor, _ operands: [StoredTensor]) throws -> StoredTensor {
        guard operands.count == 2 else { throw context.unsupported("needs data and indices") }
        let axis = try normalized(axis: try attributes.int("axis", default: 0), rank: data.shape.count)
        let size = data.shape[axis], inner = data.shape[(axis + 1)...].reduce(1, *)
        let indices = try integers(operands[1], "the indices").map { index -> Int in
            let position = index < 0 ? index + size : index
            guard (0..<size).contains(position) else { throw context.unsupported("index \(index) is outside \(size)") }
            return position
        }
        var sources: [Int] = []
        for block in 0..<data.shape[..<axis].reduce(1, *) {
            for position in indices { sources += ((block * size + position) * inner)..<((block * size + position + 1) * inner) }
        }
        let shape = Array(data.shape[..<axis]) + operands[1].shape + Array(data.shape[(axis + 1)...])
        return data.picking(sources, shape: shape)
    }

    private func expand(_ x: StoredTensor, _ operands: [StoredTensor]) throws -> StoredTensor {
        guard operands.count == 2 else { throw context.unsupported("needs the target shape") }
        let target = try integers(operands[1], "the shape"), shape: [Int]
        do {
            shape = try broadcastShape(x.shape, target, op: "Expand")
        } catch {
            throw context.unsupported("shape \(x.shape) does not broadcast to \(target)")
        }
        return x.picking(broadcastIndices(from: x.shape, to: shape), shape: shape)
    }

    private func concat(_ parts: [StoredTensor]) throws -> StoredTensor {
        let first = parts[0]
        let axis = try normalized(axis: try attributes.int("axis", default: 0), rank: first.shape.count)
        guard parts.allSatisfy({ ($0.integerValues == nil) == (first.integerValues == nil) }),
              parts.allSatisfy({ part in part.shape.count == first.shape.count
                  && part.shape.indices.allSatisfy { $0 == axis || part.shape[$0] == first.shape[$0] } }) else {
            throw context.unsupported("inputs \(parts.map(\.shape)) differ outside axis \(axis) or in element type")
        }
        return StoredTensor.concatenated(parts, axis: axis)
    }

    /// Slice: attributes before opset 10, inputs (starts, ends, axes?, steps?) from 10 on.
    private func slice(_ x: StoredTensor, _ inputs: [StoredTensor?]) throws -> StoredTensor {
        func parameter(_ index: Int, _ name: String) throws -> [Int]? {
            if opset < 10 { return attributes.has(name) ? try attributes.ints(name, default: []) : nil }
            guard index < inputs.count, let value = inputs[index] else { return nil }
            return try integers(value, name)
        }
        guard let starts = try parameter(1, "starts"), let ends = try parameter(2, "ends") else {
            throw context.unsupported("starts and ends are needed")
        }
        let axes = try (parameter(3, "axes") ?? Array(starts.indices)).map { try normalized(axis: $0, rank: x.shape.count) }
        let steps = try parameter(4, "steps") ?? starts.map { _ in 1 }
        let ranges: [SliceRange]
        do {
            ranges = try sliceRanges(shape: x.shape, starts: starts, ends: ends, axes: axes, steps: steps)
        } catch {
            throw context.unsupported("\(error)")
        }
        let shape = ranges.map(\.count), strides = rowMajorStrides(x.shape)
        let sources = (0..<shape.reduce(1, *)).map { flat -> Int in
            var remainder = flat, source = 0
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                source += (ranges[axis].start + (remainder % shape[axis]) * ranges[axis].step) * strides[axis]
                remainder /= shape[axis]
            }
            return source
        }
        return x.picking(sources, shape: shape)
    }

    private func transpose(_ x: StoredTensor) throws -> StoredTensor {
        let rank = x.shape.count
        let perm = try attributes.ints("perm", default: Array((0..<rank).reversed()))
        guard isPermutation(perm, rank: rank) else { throw context.unsupported("perm \(perm) is not a permutation of \(rank) axes") }
        let shape = perm.map { x.shape[$0] }, strides = rowMajorStrides(x.shape)
        let sources = (0..<x.count).map { flat -> Int in
            var remainder = flat, source = 0
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                source += (remainder % shape[axis]) * strides[perm[axis]]
                remainder /= shape[axis]
            }
            return source
        }
        return x.picking(sources, shape: shape)
    }
}
