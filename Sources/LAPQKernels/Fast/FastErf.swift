/// `erf(x)` for Float lanes: x clamped to [−4, 4] (beyond, erf is ±1 in float32), then
/// x · P(x²) / Q(x²) with the degree-13/8 rational approximation Eigen and XLA use
/// (`generic_fast_erf_float`), within a few ulp of the true value. The fast twin of
/// ``erfNaive``; a test bounds their difference.
public func erfFast(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>) {
    mapLanes(out, x, rationalErf)
}

@inline(__always)
private func rationalErf(_ input: SIMD16<Float>) -> SIMD16<Float> {
    typealias V = SIMD16<Float>
    let x = input.clamped(lowerBound: V(repeating: -4), upperBound: V(repeating: 4))
    let x2 = x * x
    var p = x2 * V(repeating: -2.72614225801306e-10) + V(repeating: 2.77068142495902e-08)
    p = x2 * p + V(repeating: -2.10102402082508e-06)
    p = x2 * p + V(repeating: -5.69250639462346e-05)
    p = x2 * p + V(repeating: -7.34990630326855e-04)
    p = x2 * p + V(repeating: -2.95459980854025e-03)
    p = x2 * p + V(repeating: -1.60960333262415e-02)
    p = x * p
    var q = x2 * V(repeating: -1.45660718464996e-05) + V(repeating: -2.13374055278905e-04)
    q = x2 * q + V(repeating: -1.68282697438203e-03)
    q = x2 * q + V(repeating: -7.37332916720468e-03)
    q = x2 * q + V(repeating: -1.42647390514189e-02)
    return p / q
}

/// out[i] = √x[i], as ``sqrtNaive`` (IEEE square root is exactly rounded, so bit-identical).
public func sqrtFast(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>) {
    mapLanes(out, x) { $0.squareRoot() }
}

/// out[i] = f(x)[i] over whole 16-lane chunks; each tail element runs through the same `f`
/// (in lane 0 of a splat), so an element's result does not depend on where chunks start.
@inline(__always)
private func mapLanes(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
                      _ f: (SIMD16<Float>) -> SIMD16<Float>) {
    precondition(x.count == out.count, "length mismatch")
    guard let source = x.baseAddress, let target = out.baseAddress else { return }
    let lanes = SIMD16<Float>.scalarCount, whole = out.count / lanes * lanes
    var index = 0
    while index < whole {
        let value = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + index).storeBytes(of: f(value), as: SIMD16<Float>.self)
        index += lanes
    }
    while index < out.count {
        target[index] = f(SIMD16(repeating: source[index]))[0]
        index += 1
    }
}
