import LAPQMath

// Fake-quantization written so that the compiler emits packed SSE2 code (the package builds
// for baseline x86-64): `UniformQuantizer.fakeQuantize(_:)`'s `SIMD16.rounded` and `clamped`
// become per-lane loops through the stack there, which made fake-quant a quarter of a ResNet
// forward pass. Same arithmetic, same result (tests compare bit patterns).

private typealias Vector = SIMD8<Float>
private typealias Bits = SIMD8<UInt32>

/// 1.5·2²³: adding and subtracting it rounds a float with |c| ≤ 2²² to an integer, to nearest,
/// ties to even (the default rounding mode), using only packed adds.
private let roundingShift: Float = 12_582_912

/// out[i] = clamp(round(x[i] / Δ), qmin, qmax) · Δ (round half to even), bit-identical to
/// ``UniformQuantizer/fakeQuantize(_:)-(UnsafeMutableBufferPointer<Float>)`` on finite inputs,
/// including the sign of zeros. `out` may alias `x`; the identity copy when bits == 32.
///
public func fakeQuantizeFast(_ out: UnsafeMutableBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
                             _ quantizer: UniformQuantizer) {
    precondition(x.count == out.count, "length mismatch")
    guard let outBase = out.baseAddress, let xBase = x.baseAddress else { return }
    guard !quantizer.isIdentity else {
        if outBase != UnsafeMutablePointer(mutating: xBase) { outBase.update(from: xBase, count: x.count) }
        return
    }
    let step = Vector(repeating: quantizer.stepSize)
    let lower = Vector(repeating: Float(quantizer.quantMin)), upper = Vector(repeating: Float(quantizer.quantMax))
    // The reference runs its tail (count mod 16) through the scalar form, which differs from
    // its vector form only in the sign of some zeros; match that too.
    let lanes = Vector.scalarCount, whole = out.count - out.count % 16
    var index = 0
    while index < whole {
        let values = UnsafeRawPointer(xBase + index).loadUnaligned(as: Vector.self)
        UnsafeMutableRawPointer(outBase + index).storeBytes(
            of: quantizeLanes(values, step: step, lower: lower, upper: upper), as: Vector.self)
        index += lanes
    }
    while index < out.count {
        outBase[index] = quantizer.fakeQuantize(xBase[index])
        index += 1
    }
}

/// One vector of ``fakeQuantizeFast(_:_:_:)``, in the reference's order: divide, round, clamp,
/// scale back. Rounding uses the shift on a value first limited to [qmin − 1, qmax + 1] (which
/// changes no result and keeps it in the shift's range), then takes the sign of its argument
/// as rint does (rint(−0.3) = −0; the shift yields +0), so zeros carry the reference's sign.
@inline(__always)
private func quantizeLanes(_ values: Vector, step: Vector, lower: Vector, upper: Vector) -> Vector {
    let scaled = values / step
    let one = Vector(repeating: 1)
    let limited = scaled.replacing(with: lower - one, where: scaled .< lower - one)
        .replacing(with: upper + one, where: scaled .> upper + one)
    let shift = Vector(repeating: roundingShift)
    let signBit = Bits(repeating: 0x8000_0000)
    let magnitude = unsafeBitCast((limited + shift) - shift, to: Bits.self) & ~signBit
    let rounded = unsafeBitCast(magnitude | (unsafeBitCast(limited, to: Bits.self) & signBit), to: Vector.self)
    let codes = rounded.replacing(with: lower, where: rounded .< lower).replacing(with: upper, where: rounded .> upper)
    return codes * step
}
