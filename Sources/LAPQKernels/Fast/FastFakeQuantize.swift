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
/// Clamping before rounding equals rounding before clamping because qmin and qmax are
/// integers and rounding is monotone; it keeps |c| ≤ 255, inside the shift trick's range.
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
    let lanes = Vector.scalarCount, whole = out.count / lanes * lanes
    var index = 0
    while index < whole {
        let values = UnsafeRawPointer(xBase + index).loadUnaligned(as: Vector.self)
        UnsafeMutableRawPointer(outBase + index).storeBytes(
            of: quantizeLanes(values, step: step, lower: lower, upper: upper), as: Vector.self)
        index += lanes
    }
    while index < out.count {
        var tail = Vector(repeating: 0)
        tail[0] = xBase[index]
        outBase[index] = quantizeLanes(tail, step: step, lower: lower, upper: upper)[0]
        index += 1
    }
}

/// One vector of ``fakeQuantizeFast(_:_:_:)``: divide, clamp, round by the shift, restore the
/// sign a zero code had before rounding, scale back.
@inline(__always)
private func quantizeLanes(_ values: Vector, step: Vector, lower: Vector, upper: Vector) -> Vector {
    let scaled = values / step
    let clamped = scaled.replacing(with: lower, where: scaled .< lower).replacing(with: upper, where: scaled .> upper)
    let shift = Vector(repeating: roundingShift)
    let rounded = (clamped + shift) - shift
    // rint keeps the sign of its argument (rint(−0.3) = −0); the shift yields +0 there.
    let signBit = Bits(repeating: 0x8000_0000)
    let signed = (unsafeBitCast(rounded, to: Bits.self) & ~signBit) | (unsafeBitCast(clamped, to: Bits.self) & signBit)
    return unsafeBitCast(signed, to: Vector.self) * step
}
