/// The int32 quantization of a layer's bias at scale s = Δx · Δw, as integer runtimes add it
/// to their accumulators (docs/algorithms.md, "Bias quantization"):
///
///     q = clamp(round(b / s), −2^31, 2^31 − 128)    b / s in float32, round half to even
///     b̂ = Float(q) · s
///
/// The upper clamp is the largest float32 below 2^31, so every code fits an Int32.
public struct BiasQuantizer: Sendable, Hashable {
    /// s, the float32 product of the input's and the weight's step sizes.
    public let scale: Float

    /// Largest and smallest float32 values that convert to an Int32 without trapping.
    static let codeRange: ClosedRange<Float> = -2_147_483_648 ... 2_147_483_520

    public init(inputStep: Float, weightStep: Float) {
        scale = inputStep * weightStep
        precondition(scale > 0 && scale.isFinite, "bias scale \(inputStep) · \(weightStep) is not positive and finite")
    }

    /// The int32 code of one bias value.
    public func code(_ value: Float) -> Int32 {
        Int32(codeValue(value))
    }

    /// b̂ = q · s for one value.
    public func quantize(_ value: Float) -> Float {
        codeValue(value) * scale
    }

    /// The quantized copy of `values`.
    public func quantized(_ values: [Float]) -> [Float] {
        values.map(quantize)
    }

    /// q as a Float (exact: an integer within the int32 range); 0 for NaN, which no code holds.
    private func codeValue(_ value: Float) -> Float {
        let rounded = (value / scale).rounded(.toNearestOrEven)
        guard !rounded.isNaN else { return 0 }
        return min(max(rounded, Self.codeRange.lowerBound), Self.codeRange.upperBound)
    }
}

/// A layer's bias quantizers: one (per-tensor weight) or one per output channel (per-channel
/// weight), element j of the bias on quantizer j mod count.
extension Array where Element == BiasQuantizer {
    /// The bias quantizers of a layer whose input and weight are quantized: s_c = Δx · Δw_c for
    /// every channel of the weight's quantizer.
    public init(input: UniformQuantizer, weight: AxisQuantizer) {
        self = weight.channels.map { BiasQuantizer(inputStep: input.stepSize, weightStep: $0.stepSize) }
    }

    /// The int32 codes of `bias`.
    public func codes(_ bias: [Float]) -> [Int32] {
        bias.indices.map { self[$0 % count].code(bias[$0]) }
    }

    /// b̂ of every element of `bias`.
    public func quantized(_ bias: [Float]) -> [Float] {
        bias.indices.map { self[$0 % count].quantize(bias[$0]) }
    }
}
