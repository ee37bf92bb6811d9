// SIMD twins of the same-shape elementwise reference kernels. They take raw buffers so that an
// executor can run them on a `Tensor`'s array or on a `DNNLTensor`'s blocked storage; `out`
// may alias an input (in place). Each is bit-identical to its naive twin on finite inputs.

private typealias Vector = SIMD16<Float>

/// Applies `vector` to whole 16-lane chunks and `scalar` to the tail: out[i] = f(x[i], y[i]).
@inline(__always)
private func zipMap(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
                    _ y: UnsafeBufferPointer<Float>?, _ vector: (Vector, Vector) -> Vector,
                    _ scalar: (Float, Float) -> Float) {
    precondition(x.count == out.count && (y?.count ?? out.count) == out.count, "length mismatch")
    guard let outBase = out.baseAddress, let xBase = x.baseAddress else { return }
    let yBase = y?.baseAddress ?? xBase
    let lanes = Vector.scalarCount, whole = out.count / lanes * lanes
    var index = 0
    while index < whole {
        let left = UnsafeRawPointer(xBase + index).loadUnaligned(as: Vector.self)
        let right = UnsafeRawPointer(yBase + index).loadUnaligned(as: Vector.self)
        UnsafeMutableRawPointer(outBase + index).storeBytes(of: vector(left, right), as: Vector.self)
        index += lanes
    }
    while index < out.count {
        outBase[index] = scalar(xBase[index], yBase[index])
        index += 1
    }
}

/// out[i] = max(x[i], 0), as ``reluNaive``. out and x have equal length.
public func reluFast(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>) {
    zipMap(out, x, nil, { v, _ in v.replacing(with: 0, where: .!(v .> 0)) }, { v, _ in v > 0 ? v : 0 })
}

/// out[i] = min(max(x[i], lower), upper), as ``clipNaive``.
public func clipFast(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
                     lower: Float, upper: Float) {
    zipMap(out, x, nil, { v, _ in v.clamped(lowerBound: Vector(repeating: lower), upperBound: Vector(repeating: upper)) },
           { v, _ in min(max(v, lower), upper) })
}

/// out[i] = x[i] · max(0, min(1, x[i]/6 + 1/2)), as ``hardSwishNaive`` (same Float operations).
public func hardSwishFast(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>) {
    let alpha = Vector(repeating: hardSwishAlpha), beta = Vector(repeating: hardSwishBeta)
    zipMap(out, x, nil, { v, _ in v * (alpha * v + beta).clamped(lowerBound: Vector(repeating: 0), upperBound: Vector(repeating: 1)) },
           { v, _ in v * hardSigmoid(v, alpha: hardSwishAlpha, beta: hardSwishBeta) })
}

/// out[i] = a[i] + b[i], as ``addNaive`` for equal shapes.
public func addFast(_ out: UnsafeMutableBufferPointer<Float>, _ a: UnsafeBufferPointer<Float>,
                    _ b: UnsafeBufferPointer<Float>) {
    zipMap(out, a, b, { $0 + $1 }, { $0 + $1 })
}

/// out[i] = a[i] · b[i], as ``mulNaive`` for equal shapes.
public func mulFast(_ out: UnsafeMutableBufferPointer<Float>, _ a: UnsafeBufferPointer<Float>,
                    _ b: UnsafeBufferPointer<Float>) {
    zipMap(out, a, b, { $0 * $1 }, { $0 * $1 })
}
