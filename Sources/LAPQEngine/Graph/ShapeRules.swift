import LAPQKernels

/// Output-shape rules of each `Operator`, given its operand shapes (in `Node.inputs` order).
/// Pure functions; a failure carries the reason and the caller attaches the node.
enum ShapeRules {
    static func outputShape(of op: Operator, operands: [[Int]]) throws(ShapeFailure) -> [Int] {
        switch op {
        case .conv(let attributes): return try conv(attributes, operands)
        case .gemm(let attributes): return try gemm(attributes, operands)
        case .matMul: return try matMul(operands[0], operands[1])
        case .relu, .clip, .leakyRelu, .sigmoid, .hardSigmoid, .hardSwish, .sqrt, .erf: return operands[0]
        case .maxPool(let attributes), .averagePool(let attributes):
            return try pool(attributes, operands[0])
        case .globalAveragePool:
            // The kernels pool 2-D planes, as for MaxPool and AveragePool.
            guard operands[0].count == 4 else { throw ShapeFailure("input has shape \(operands[0]); needs (N, C, H, W)") }
            return Array(operands[0][..<2]) + Array(repeating: 1, count: operands[0].count - 2)
        case .add, .mul, .sub, .div, .pow: return try broadcast(operands[0], operands[1])
        case .concat(let axis): return try concat(axis: axis, operands)
        case .flatten(let axis): return try flatten(axis: axis, operands[0])
        case .reshape(let shape): return try reshape(operands[0], to: shape)
        case .softmax(let axis):
            _ = try normalizedAxis(axis, rank: operands[0].count)
            return operands[0]
        case .scaleShift: return try scaleShift(operands)
        case .transpose(let perm): return try transpose(operands[0], perm: perm)
        case .reduceMean(let axes, let keepDims): return try reduceMean(operands[0], axes: axes, keepDims: keepDims)
        case .slice(let attributes): return try slice(operands[0], attributes)
        case .pad(let attributes): return try pad(operands[0], attributes)
        }
    }

    /// `axis` in `[-rank, rank + extra)` mapped to `[0, rank + extra)`.
    static func normalizedAxis(_ axis: Int, rank: Int, extra: Int = 0) throws(ShapeFailure) -> Int {
        guard axis >= -rank, axis < rank + extra else {
            throw ShapeFailure("axis \(axis) is out of range for rank \(rank)")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// NumPy multidirectional broadcasting: align trailing axes; each pair is equal or has a 1.
    static func broadcast(_ a: [Int], _ b: [Int]) throws(ShapeFailure) -> [Int] {
        let rank = max(a.count, b.count)
        let paddedA = Array(repeating: 1, count: rank - a.count) + a
        let paddedB = Array(repeating: 1, count: rank - b.count) + b
        var result: [Int] = []
        for (x, y) in zip(paddedA, paddedB) {
            guard x == y || x == 1 || y == 1 else {
                throw ShapeFailure("shapes \(a) and \(b) do not broadcast")
            }
            result.append(x == 1 ? y : x)
        }
        return result
    }

    private static func requireRank(_ shape: [Int], atLeast rank: Int, what: String) throws(ShapeFailure) {
        guard shape.count >= rank else {
            throw ShapeFailure("\(what) has shape \(shape); needs rank ≥ \(rank)")
        }
    }

    private static func conv(_ attributes: ConvAttributes, _ operands: [[Int]]) throws(ShapeFailure) -> [Int] {
        let x = operands[0], weight = operands[1]
        try requireRank(x, atLeast: 3, what: "input")
        guard weight.count == x.count else {
            throw ShapeFailure("weight shape \(weight) does not match input shape \(x)")
        }
        let group = attributes.group, outChannels = weight[0]
        guard group > 0, x[1] == weight[1] * group, outChannels % group == 0 else {
            throw ShapeFailure("input \(x) and weight \(weight) do not fit group \(group)")
        }
        let kernel = Array(weight[2...])
        guard attributes.kernelShape.isEmpty || attributes.kernelShape == kernel else {
            throw ShapeFailure("kernel_shape \(attributes.kernelShape) differs from weight shape \(weight)")
        }
        if operands.count == 3, operands[2] != [outChannels] {
            throw ShapeFailure("bias shape \(operands[2]) is not [\(outChannels)]")
        }
        let windows = try SpatialWindow.windows(
            spatial: Array(x[2...]), kernel: kernel, strides: attributes.strides,
            dilations: attributes.dilations, pads: attributes.pads, autoPad: attributes.autoPad,
            ceilMode: false)
        return [x[0], outChannels] + windows.map(\.outputSize)
    }

    private static func pool(_ attributes: PoolAttributes, _ x: [Int]) throws(ShapeFailure) -> [Int] {
        try requireRank(x, atLeast: 3, what: "input")
        let windows = try SpatialWindow.windows(
            spatial: Array(x[2...]), kernel: attributes.kernelShape, strides: attributes.strides,
            dilations: attributes.dilations, pads: attributes.pads, autoPad: attributes.autoPad,
            ceilMode: attributes.ceilMode)
        return Array(x[..<2]) + windows.map(\.outputSize)
    }

    private static func gemm(_ attributes: GemmAttributes, _ operands: [[Int]]) throws(ShapeFailure) -> [Int] {
        let a = operands[0], b = operands[1]
        guard a.count == 2, b.count == 2 else {
            throw ShapeFailure("operands \(a) and \(b) must both be rank 2")
        }
        let (m, k) = attributes.transA ? (a[1], a[0]) : (a[0], a[1])
        let (kB, n) = attributes.transB ? (b[1], b[0]) : (b[0], b[1])
        guard k == kB else {
            throw ShapeFailure("inner dimensions differ: A \(a), B \(b), transA \(attributes.transA), transB \(attributes.transB)")
        }
        if operands.count == 3, try broadcast([m, n], operands[2]) != [m, n] {
            throw ShapeFailure("C of shape \(operands[2]) does not broadcast to [\(m), \(n)]")
        }
        return [m, n]
    }

    private static func matMul(_ a: [Int], _ b: [Int]) throws(ShapeFailure) -> [Int] {
        guard a.count >= 2, b.count >= 2 else {
            throw ShapeFailure("operands \(a) and \(b) must both have rank ≥ 2")
        }
        guard a[a.count - 1] == b[b.count - 2] else {
            throw ShapeFailure("inner dimensions of \(a) and \(b) differ")
        }
        let batch = try broadcast(Array(a.dropLast(2)), Array(b.dropLast(2)))
        return batch + [a[a.count - 2], b[b.count - 1]]
    }

    private static func concat(axis: Int, _ operands: [[Int]]) throws(ShapeFailure) -> [Int] {
        let first = operands[0]
        let axis = try normalizedAxis(axis, rank: first.count)
        var result = first
        for shape in operands.dropFirst() {
            let agrees = shape.count == first.count
                && shape.indices.allSatisfy { $0 == axis || shape[$0] == first[$0] }
            guard agrees else {
                throw ShapeFailure("shapes \(operands) differ outside axis \(axis)")
            }
            result[axis] += shape[axis]
        }
        return result
    }

    private static func flatten(axis: Int, _ x: [Int]) throws(ShapeFailure) -> [Int] {
        let axis = try normalizedAxis(axis, rank: x.count, extra: 1)
        return [x[..<axis].reduce(1, *), x[axis...].reduce(1, *)]
    }

    private static func reshape(_ x: [Int], to target: [Int]) throws(ShapeFailure) -> [Int] {
        var result: [Int] = []
        for (index, dimension) in target.enumerated() {
            guard dimension >= -1 else { throw ShapeFailure("shape \(target) has a dimension below −1") }
            if dimension == 0 {
                guard index < x.count else { throw ShapeFailure("shape \(target) copies axis \(index) of \(x), which has none") }
                result.append(x[index])
            } else {
                result.append(dimension)
            }
        }
        let count = x.reduce(1, *)
        let unknown = result.indices.filter { result[$0] == -1 }
        let known = result.filter { $0 != -1 }.reduce(1, *)
        if unknown.count == 1, known > 0, count % known == 0 {
            result[unknown[0]] = count / known
        }
        guard unknown.count <= 1, result.reduce(1, *) == count, !result.contains(-1) else {
            throw ShapeFailure("cannot reshape \(x) (\(count) elements) to \(target)")
        }
        return result
    }

    private static func scaleShift(_ operands: [[Int]]) throws(ShapeFailure) -> [Int] {
        let x = operands[0]
        try requireRank(x, atLeast: 2, what: "input")
        guard operands[1] == [x[1]], operands[2] == [x[1]] else {
            throw ShapeFailure("scale \(operands[1]) and shift \(operands[2]) must be [\(x[1])] for input \(x)")
        }
        return x
    }

    /// An empty `perm` reverses the axes (ONNX's default).
    private static func transpose(_ x: [Int], perm: [Int]) throws(ShapeFailure) -> [Int] {
        let perm = perm.isEmpty ? Array(x.indices.reversed()) : perm
        guard isPermutation(perm, rank: x.count) else {
            throw ShapeFailure("perm \(perm) is not a permutation of the \(x.count) axes of \(x)")
        }
        return perm.map { x[$0] }
    }

    /// Axes may be negative; empty means every axis.
    private static func reduceMean(_ x: [Int], axes: [Int], keepDims: Bool) throws(ShapeFailure) -> [Int] {
        var reduced = Set<Int>()
        for axis in axes.isEmpty ? Array(x.indices) : axes {
            guard reduced.insert(try normalizedAxis(axis, rank: x.count)).inserted else {
                throw ShapeFailure("axes \(axes) name an axis twice")
            }
        }
        return keepDims ? x.indices.map { reduced.contains($0) ? 1 : x[$0] } : x.indices.filter { !reduced.contains($0) }.map { x[$0] }
    }

    /// Axes may be negative; ONNX's clamping rules (`SliceRange`) give the sizes.
    private static func slice(_ x: [Int], _ attributes: SliceAttributes) throws(ShapeFailure) -> [Int] {
        var axes: [Int] = []
        for axis in attributes.axes { axes.append(try normalizedAxis(axis, rank: x.count)) }
        do {
            return try sliceRanges(shape: x, starts: attributes.starts, ends: attributes.ends, axes: axes,
                                   steps: attributes.steps).map(\.count)
        } catch {
            throw ShapeFailure("\(error)")
        }
    }

    private static func pad(_ x: [Int], _ attributes: PadAttributes) throws(ShapeFailure) -> [Int] {
        do {
            return try paddedShape(x, pads: attributes.pads, mode: attributes.mode)
        } catch {
            throw ShapeFailure("\(error)")
        }
    }
}
