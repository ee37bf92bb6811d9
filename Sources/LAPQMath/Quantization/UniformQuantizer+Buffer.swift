extension UniformQuantizer {
    /// out[i] = clamp(round(x[i] / Δ), qmin, qmax) · Δ, round half to even; `out` may be `x`.
    /// The identity copy when bits == 32. O(n), no allocation.
    ///
    /// The fast twin of the scalar `fakeQuantize(_: Float)`: the same IEEE division, rounding
    /// and clamp, so the results are equal (tests check ties, tails and extremes; only the sign
    /// of a zero result may differ, which no later arithmetic can see). Written with 8-lane
    /// vectors and only packed adds, compares and selects, because the package builds for
    /// baseline x86-64, where `SIMD.rounded` and `clamped` compile to per-lane scalar loops
    /// (fake-quant was a quarter of a ResNet pass that way; see docs/benchmarks.md).
    public func fakeQuantize(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == out.count, "fake-quantizing \(x.count) values into \(out.count)")
        guard let source = x.baseAddress, let target = out.baseAddress else { return }
        if isIdentity {
            if target != UnsafeMutablePointer(mutating: source) { target.update(from: source, count: x.count) }
            return
        }
        let grid = VectorGrid(self)
        let lanes = SIMD8<Float>.scalarCount, whole = x.count - x.count % lanes
        var index = 0
        while index < whole {
            let values = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + index).storeBytes(of: grid.fakeQuantize(values), as: SIMD8<Float>.self)
            index += lanes
        }
        while index < x.count {
            target[index] = fakeQuantize(source[index])
            index += 1
        }
    }

    /// Fake-quantizes `buffer` in place; see `fakeQuantize(_:into:)`.
    public func fakeQuantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
        fakeQuantize(UnsafeBufferPointer(buffer), into: buffer)
    }

    /// Fake-quantizes an array in place; see `fakeQuantize(_:into:)`.
    public func fakeQuantize(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { fakeQuantize($0) }
    }

    /// The fake-quantized copy of `values`.
    public func fakeQuantized(_ values: [Float]) -> [Float] {
        var copy = values
        fakeQuantize(&copy)
        return copy
    }
}

/// One quantizer's constants as vectors, and the vector form of x ↦ clamp(round(x/Δ))·Δ.
private struct VectorGrid {
    let step: SIMD8<Float>
    let lower: SIMD8<Float>
    let upper: SIMD8<Float>

    /// 1.5·2²³: adding and subtracting it rounds a float with |c| ≤ 2²² to an integer, to
    /// nearest, ties to even (the default rounding mode), with packed adds only.
    static let roundingShift = SIMD8<Float>(repeating: 12_582_912)

    init(_ quantizer: UniformQuantizer) {
        step = SIMD8(repeating: quantizer.stepSize)
        lower = SIMD8(repeating: Float(quantizer.quantMin))
        upper = SIMD8(repeating: Float(quantizer.quantMax))
    }

    /// Divide, round, clamp, scale back. The quotient is first limited to [qmin − 1, qmax + 1]
    /// (which changes no result and keeps it in the rounding shift's range); NaN stays NaN.
    @inline(__always)
    func fakeQuantize(_ values: SIMD8<Float>) -> SIMD8<Float> {
        let scaled = values / step
        let one = SIMD8<Float>(repeating: 1)
        let limited = scaled.replacing(with: lower - one, where: scaled .< lower - one)
            .replacing(with: upper + one, where: scaled .> upper + one)
        let rounded = (limited + Self.roundingShift) - Self.roundingShift
        let codes = rounded.replacing(with: lower, where: rounded .< lower).replacing(with: upper, where: rounded .> upper)
        return codes * step
    }
}
