import RealModule

/// Something whose mean Lp quantization error E|Q(x) − x|^p can be evaluated for a clip value:
/// the exact values of a tensor, or a histogram of them. One clip search serves both.
public protocol LpErrorSource {
    /// max |x| over the data; the clip search looks for α in (0, maxMagnitude].
    var maxMagnitude: Double { get }
    /// Mean of |Q(x) − x|^p over the data, for the quantizer with Δ = clipValue / qmax.
    func meanLpError(clipValue: Double, bits: Int, isSigned: Bool, p: Double) -> Double
}

/// The exact values of a tensor (weights): the error is summed element by element in Double.
public struct ExactLpErrorSource: LpErrorSource, Sendable {
    public let values: [Float]
    public let maxMagnitude: Double

    public init(values: [Float]) {
        self.values = values
        self.maxMagnitude = Double(values.reduce(Float(0)) { max($0, abs($1)) })
    }

    /// (1/n) Σ |clamp(round(x/Δ), qmin, qmax)·Δ − x|^p, computed in Double. O(n).
    public func meanLpError(clipValue: Double, bits: Int, isSigned: Bool, p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let grid = QuantizationGrid(clipValue: clipValue, bits: bits, isSigned: isSigned)
        var sum = 0.0
        for value in values {
            sum += lpPower(abs(grid.roundTrip(Double(value)) - Double(value)), p)
        }
        return sum / Double(values.count)
    }
}

/// The integer grid of a quantizer in Double, for error statistics (not for fake-quantizing).
struct QuantizationGrid {
    let stepSize: Double
    let quantMin: Double
    let quantMax: Double

    init(clipValue: Double, bits: Int, isSigned: Bool) {
        let levels = UniformQuantizer.quantMax(bits: bits, isSigned: isSigned)
        self.quantMin = Double(UniformQuantizer.quantMin(bits: bits, isSigned: isSigned))
        self.quantMax = Double(levels)
        self.stepSize = clipValue / Double(levels)
    }

    /// The grid index clamp(round(x/Δ), qmin, qmax), round half to even.
    func index(_ value: Double) -> Double {
        min(max((value / stepSize).rounded(.toNearestOrEven), quantMin), quantMax)
    }

    /// Q(x) = index(x) · Δ.
    func roundTrip(_ value: Double) -> Double { index(value) * stepSize }
}

/// |e|^p for e ≥ 0, the common p = 2 is a product: faster than pow, and as accurate.
@inlinable
func lpPower(_ magnitude: Double, _ p: Double) -> Double {
    if p == 2 { return magnitude * magnitude }
    return magnitude == 0 ? 0 : Double.pow(magnitude, p)
}
