extension UniformQuantizer {
    /// Fake-quantizes `buffer` in place: every x becomes clamp(round(x / Δ), qmin, qmax) · Δ.
    ///
    /// Vectorized with 16-lane SIMD; the result is bit-identical to applying the scalar
    /// `fakeQuantize(_:)` to each element (same division, same rounding, same clamp), which
    /// the tests check. O(n), no allocation. The identity when bits == 32.
    public func fakeQuantize(_ buffer: UnsafeMutableBufferPointer<Float>) {
        if isIdentity || buffer.isEmpty { return }
        guard let base = buffer.baseAddress else { return }
        let lanes = SIMD16<Float>.scalarCount
        let step = SIMD16<Float>(repeating: stepSize)
        let lower = SIMD16<Float>(repeating: Float(quantMin))
        let upper = SIMD16<Float>(repeating: Float(quantMax))
        let vectorEnd = buffer.count - buffer.count % lanes
        let raw = UnsafeMutableRawPointer(base)
        var index = 0
        while index < vectorEnd {
            let offset = index * MemoryLayout<Float>.stride
            let values = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            let codes = (values / step).rounded(.toNearestOrEven).clamped(lowerBound: lower, upperBound: upper)
            raw.storeBytes(of: codes * step, toByteOffset: offset, as: SIMD16<Float>.self)
            index += lanes
        }
        while index < buffer.count {
            base[index] = fakeQuantize(base[index])
            index += 1
        }
    }

    /// Fake-quantizes an array in place; see `fakeQuantize(_: UnsafeMutableBufferPointer<Float>)`.
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
