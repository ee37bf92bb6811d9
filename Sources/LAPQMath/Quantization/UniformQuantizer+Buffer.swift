internal import CQuantizeSIMD

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
    /// `isa` picks the loop: the host's widest (`QuantizerISA.host`) unless a test asks for
    /// another; every choice gives the same bits.
    public func fakeQuantize(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                             isa: QuantizerISA = .host) {
        precondition(x.count == out.count, "fake-quantizing \(x.count) values into \(out.count)")
        guard let source = x.baseAddress, let target = out.baseAddress else { return }
        if isIdentity {
            if target != UnsafeMutablePointer(mutating: source) { target.update(from: source, count: x.count) }
            return
        }
        let done = lapq_fake_quantize(isa.level, source, target, x.count, stepSize, Float(quantMin), Float(quantMax))
        Self.map(source + done, into: target + done, count: x.count - done, FakeQuantizeLanes(grid: VectorGrid(self)))
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

    /// out[i] = the code clamp(round(x[i] / Δ), qmin, qmax) as one byte: the value itself when
    /// unsigned, its two's complement bit pattern (an `Int8`) when signed — what an int8
    /// kernel reads. The fast twin of `UInt8(truncatingIfNeeded: code(_:))`, equal for every
    /// input but NaN (whose byte is unspecified). Not for bits == 32. O(n), no allocation.
    /// `isa` as for `fakeQuantize(_:into:isa:)`.
    public func encode(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<UInt8>,
                       isa: QuantizerISA = .host) {
        precondition(x.count == out.count, "encoding \(x.count) values into \(out.count) bytes")
        precondition(!isIdentity, "a 32-bit quantizer has no byte codes")
        guard let source = x.baseAddress, let target = out.baseAddress else { return }
        let done = lapq_encode_codes(isa.level, source, target, x.count, stepSize, Float(quantMin), Float(quantMax))
        Self.map(source + done, into: target + done, count: x.count - done, EncodeLanes(grid: VectorGrid(self)))
    }

    /// target[i] = f(source[i]) for i < count: `lanes.vector` on whole 8-lane blocks (unaligned
    /// loads and stores), `lanes.scalar` on the tail. `target` may equal `source` when the
    /// element types do. Generic over the lane map (not a closure) so that the vector body is
    /// specialized and inlined into the loop: as a closure it was a call per 8 values with
    /// its constants spilled to the stack.
    @inline(__always)
    private static func map<Lanes: LaneMap>(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Lanes.Output>,
                                            count: Int, _ lanes: Lanes) {
        let width = SIMD8<Float>.scalarCount, whole = count - count % width
        var index = 0
        while index < whole {
            let values = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + index).storeBytes(of: lanes.vector(values), as: SIMD8<Lanes.Output>.self)
            index += width
        }
        while index < count {
            target[index] = lanes.scalar(source[index])
            index += 1
        }
    }
}

/// An elementwise map from floats, in 8-lane and scalar form (equal results).
private protocol LaneMap {
    associatedtype Output: SIMDScalar
    func vector(_ values: SIMD8<Float>) -> SIMD8<Output>
    func scalar(_ value: Float) -> Output
}

/// x ↦ clamp(round(x/Δ))·Δ.
private struct FakeQuantizeLanes: LaneMap {
    let grid: VectorGrid
    @inline(__always) func vector(_ values: SIMD8<Float>) -> SIMD8<Float> { grid.fakeQuantize(values) }
    @inline(__always) func scalar(_ value: Float) -> Float { grid.quantizer.fakeQuantize(value) }
}

/// x ↦ the code clamp(round(x/Δ)) as a byte.
private struct EncodeLanes: LaneMap {
    let grid: VectorGrid
    @inline(__always) func vector(_ values: SIMD8<Float>) -> SIMD8<UInt8> { grid.codeBytes(values) }
    @inline(__always) func scalar(_ value: Float) -> UInt8 { UInt8(truncatingIfNeeded: grid.quantizer.code(value)) }
}

/// One quantizer's constants as vectors, and the vector form of x ↦ clamp(round(x/Δ))·Δ.
private struct VectorGrid {
    /// The scalar form, for the tail.
    let quantizer: UniformQuantizer
    let step: SIMD8<Float>
    let lower: SIMD8<Float>
    let upper: SIMD8<Float>

    /// 1.5·2²³: adding and subtracting it rounds a float with |c| ≤ 2²² to an integer, to
    /// nearest, ties to even (the default rounding mode), with packed adds only. An instance
    /// constant, not a static one, so the loop does not pass a lazy global's once-check.
    let roundingShift = SIMD8<Float>(repeating: 12_582_912)

    init(_ quantizer: UniformQuantizer) {
        self.quantizer = quantizer
        step = SIMD8(repeating: quantizer.stepSize)
        lower = SIMD8(repeating: Float(quantizer.quantMin))
        upper = SIMD8(repeating: Float(quantizer.quantMax))
    }

    /// Divide, round, clamp, scale back. The quotient is first limited to [qmin − 1, qmax + 1]
    /// (which changes no result and keeps it in the rounding shift's range); NaN stays NaN.
    @inline(__always)
    func fakeQuantize(_ values: SIMD8<Float>) -> SIMD8<Float> {
        codes(values) * step
    }

    /// The codes as bytes (two's complement when negative). Adding 1.5·2²³ to a whole float c
    /// with |c| ≤ 2²² puts c in the low bits of the sum's bit pattern, so the low byte is c mod
    /// 256: packed adds and a truncation, where `SIMD8<Int32>(floats)` would convert lane by
    /// lane with overflow checks (it made encoding slower than the int8 convolution it feeds).
    @inline(__always)
    func codeBytes(_ values: SIMD8<Float>) -> SIMD8<UInt8> {
        let shifted = unsafeBitCast(codes(values) + roundingShift, to: SIMD8<UInt32>.self)
        return SIMD8<UInt8>(truncatingIfNeeded: shifted)
    }

    /// The codes clamp(round(x / Δ), qmin, qmax) as whole floats; NaN stays NaN.
    @inline(__always)
    func codes(_ values: SIMD8<Float>) -> SIMD8<Float> {
        let scaled = values / step
        let one = SIMD8<Float>(repeating: 1)
        let limited = scaled.replacing(with: lower - one, where: scaled .< lower - one)
            .replacing(with: upper + one, where: scaled .> upper + one)
        let rounded = (limited + roundingShift) - roundingShift
        return rounded.replacing(with: lower, where: rounded .< lower).replacing(with: upper, where: rounded .> upper)
    }
}
