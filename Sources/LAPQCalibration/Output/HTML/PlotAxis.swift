import Foundation

/// How an axis and a bar's value label print numbers: plain, or a fraction as a percentage.
enum PlotValueStyle: Sendable {
    case number
    case percent
}

/// A linear axis of a figure: maps data values onto pixels and picks "nice" ticks, 1, 2 or
/// 5 × 10^k apart (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990), inside the
/// domain. Non-finite values are ignored.
struct PlotAxis: Sendable {
    let lower: Double
    let upper: Double
    let step: Double
    /// Pixel positions of `lower` and `upper` (for a y axis the first is the larger).
    let start: Double
    let end: Double
    let style: PlotValueStyle

    /// - Parameters:
    ///   - values: every value the axis must show.
    ///   - includeZero: bars start at 0, so their axis must contain it.
    ///   - integers: ticks at whole numbers only (line-search counts).
    ///   - margins: the fractions of the data's span added below and above, so a point on an
    ///     extreme value does not sit on the frame (and a label at the top has room).
    ///   - roundsToTicks: widen the domain to whole ticks (bar charts: the top is labelled).
    ///   - limit: the domain's end at most, when no value exceeds it (100 % for top-1).
    init(values: [Double], pixels: (start: Double, end: Double), includeZero: Bool = false, integers: Bool = false,
         margins: (below: Double, above: Double) = (0, 0), roundsToTicks: Bool = false, limit: Double? = nil,
         style: PlotValueStyle = .number, tickCount: Int = 5) {
        let finite = values.filter(\.isFinite) + (includeZero ? [0] : [])
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high - low <= max(abs(high), abs(low)) * 1e-12 {
            // A flat series (one value) still needs a span to draw in.
            let widening = max(abs(high) * 0.1, integers ? 1 : 1e-3)
            (low, high) = (low - (includeZero && low >= 0 ? 0 : widening), high + widening)
        }
        let span = high - low, dataHigh = high
        if !(includeZero && low == 0) { low -= span * margins.below }
        high += span * margins.above
        var step = Self.niceStep(span / Double(tickCount))
        if integers { step = max(1, step.rounded()) }
        self.step = step
        lower = roundsToTicks ? (low / step).rounded(.down) * step : low
        var upper = roundsToTicks ? (high / step).rounded(.up) * step : high
        if let limit, dataHigh <= limit { upper = min(upper, limit) }
        self.upper = upper
        start = pixels.start
        end = pixels.end
        self.style = style
    }

    /// 1, 2, 5 or 10 × 10^k, the nearest such number at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// The pixel coordinate of `value`.
    func position(_ value: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    /// The multiples of `step` from `lower` to `upper` (a hair of slack for rounding).
    var ticks: [Double] {
        let slack = step * 1e-9
        let first = ((lower - slack) / step).rounded(.up), last = ((upper + slack) / step).rounded(.down)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// A tick's label, with as many decimals as the step needs.
    func label(_ value: Double) -> String {
        let scaled = style == .percent ? value * 100 : value
        let scaledStep = style == .percent ? step * 100 : step
        let suffix = style == .percent ? "%" : ""
        if abs(scaled) >= 1e5 || scaledStep < 1e-4 { return String(format: "%g", scaled) + suffix }
        let decimals = max(0, Int(-(log10(scaledStep)).rounded(.down)))
        // "%.*f" of a value a rounding error below 0 would print "-0".
        let text = String(format: "%.*f", decimals, abs(scaled) < scaledStep / 2 ? 0 : scaled)
        return text + suffix
    }

    /// A data value (not a tick) the way a bar's label prints it.
    static func valueLabel(_ value: Double, style: PlotValueStyle) -> String {
        style == .percent ? formatPercent(value) : formatNumber(value)
    }
}
