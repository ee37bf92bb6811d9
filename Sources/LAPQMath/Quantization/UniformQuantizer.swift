/// A per-tensor symmetric uniform quantizer, the one lapq calibrates and deploys.
///
///     q  = clamp(round(x / Δ), qmin, qmax)        round half to even
///     x̂ = q · Δ
///
/// Signed (weights, activations that can be negative): `qmin = −(2^(b−1) − 1)`,
/// `qmax = 2^(b−1) − 1` — the grid is symmetric, the code −2^(b−1) is never used, so a b-bit
/// signed tensor fits an int8 container and every runtime reproduces it exactly.
/// Unsigned (activations after ReLU/ReLU6): `qmin = 0`, `qmax = 2^b − 1`.
/// The clip value (the largest representable magnitude) is `α = qmax · Δ`.
///
/// Bit widths 2…8 quantize; 32 means "not quantized" and makes `fakeQuantize` the identity.
/// Vocabulary follows PyTorch's `torch.ao.quantization` (scale = Δ, quant_min, quant_max).
public struct UniformQuantizer: Sendable, Hashable, Codable {
    /// Bit widths lapq quantizes to; 32 (float) is accepted separately.
    public static let quantizedBitWidths: ClosedRange<Int> = 2...8
    /// The bit width that means "leave this tensor in float".
    public static let floatBitWidth = 32

    public let bits: Int
    public let isSigned: Bool
    /// Δ, the distance between neighbouring grid points; > 0 and finite.
    public var stepSize: Float

    /// Whether `bits` is a width this quantizer supports (2…8, or 32 for float).
    public static func supports(bits: Int) -> Bool {
        quantizedBitWidths.contains(bits) || bits == floatBitWidth
    }

    public init(bits: Int, isSigned: Bool, stepSize: Float) {
        precondition(Self.supports(bits: bits), "unsupported bit width \(bits)")
        precondition(stepSize > 0 && stepSize.isFinite, "step size must be positive, got \(stepSize)")
        self.bits = bits
        self.isSigned = isSigned
        self.stepSize = stepSize
    }

    /// The quantizer whose clip value is `clipValue`: Δ = α / qmax.
    public init(bits: Int, isSigned: Bool, clipValue: Float) {
        let levels = Self.quantMax(bits: bits, isSigned: isSigned)
        self.init(bits: bits, isSigned: isSigned, stepSize: clipValue / Float(levels))
    }

    /// Whether this quantizer leaves values unchanged (bits == 32).
    public var isIdentity: Bool { bits == Self.floatBitWidth }

    /// Smallest integer code: −(2^(b−1) − 1) when signed, 0 when unsigned.
    public var quantMin: Int { Self.quantMin(bits: bits, isSigned: isSigned) }
    /// Largest integer code: 2^(b−1) − 1 when signed, 2^b − 1 when unsigned.
    public var quantMax: Int { Self.quantMax(bits: bits, isSigned: isSigned) }

    /// α = qmax · Δ, the largest magnitude the grid represents.
    public var clipValue: Float { Float(quantMax) * stepSize }

    public static func quantMin(bits: Int, isSigned: Bool) -> Int {
        isSigned ? -quantMax(bits: bits, isSigned: true) : 0
    }

    public static func quantMax(bits: Int, isSigned: Bool) -> Int {
        precondition(quantizedBitWidths.contains(bits), "no integer grid for \(bits) bits")
        return isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
    }

    /// The integer code q = clamp(round(x / Δ), qmin, qmax) of one value. Not for bits == 32.
    @inlinable
    public func code(_ value: Float) -> Int {
        let scaled = (value / stepSize).rounded(.toNearestOrEven)
        return Int(min(max(scaled, Float(quantMin)), Float(quantMax)))
    }

    /// x̂ = clamp(round(x / Δ), qmin, qmax) · Δ for one value; the identity when bits == 32.
    /// This scalar form is the reference twin of the vectorized buffer form.
    @inlinable
    public func fakeQuantize(_ value: Float) -> Float {
        if isIdentity { return value }
        let scaled = (value / stepSize).rounded(.toNearestOrEven)
        return min(max(scaled, Float(quantMin)), Float(quantMax)) * stepSize
    }
}
