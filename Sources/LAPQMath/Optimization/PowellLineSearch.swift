/// The outcome of one Powell line search: the new point, f there, and the step taken
/// (α·direction, all zeros when the point did not move).
struct LineSearchOutcome {
    var point: [Double]
    var value: Double
    var step: [Double]
}

/// Minimizes α ↦ f(point + α·direction) as scipy's Powell does (`_linesearch_powell` without
/// bounds): Brent's method with relative tolerance `tolerance`, its bracket searched downhill
/// from α = 0 and α = 1 — one batch of two points where f(point) is evaluated again, as in
/// scipy, or only α = 1 with `value` standing for f(point) when `reusesValue` is set.
///
/// A zero direction costs nothing and returns the point unchanged. When no bracket exists
/// (f is flat or keeps falling along the line) the best of the three last bracket points is
/// taken, as scipy's `_recover_from_bracket_error` does, and NaN if any of them is NaN.
/// `value` is f(point), returned unchanged for a zero direction.
///
/// With `bounds`, the search runs on the clamped line α ↦ f(point + clamp(α, αmin, αmax)·direction)
/// ([αmin, αmax] the part of the line inside the box) and its result is clamped: the unbounded
/// search wherever no bound is reached. A clamped α is an end's point, evaluated once per line
/// search and remembered, so the flat part beyond a bound costs no evaluations.
func powellLineSearch(
    from point: [Double], along direction: [Double], value: Double, reusesValue: Bool,
    tolerance: Double, bounds: PowellBounds? = nil, budget: inout EvaluationBudget,
    objective: ([[Double]]) throws -> [Double]
) throws -> LineSearchOutcome {
    guard direction.contains(where: { $0 != 0 }) else {
        return LineSearchOutcome(point: point, value: value, step: direction)
    }
    let knownStartValue = reusesValue ? value : nil
    var line = ClampedLine(interval: bounds?.lineInterval(from: point, along: direction) ?? (-.infinity, .infinity))
    let (rawAlpha, lineValue) = try minimizeAlongLine(tolerance: tolerance, knownStartValue: knownStartValue) { alphas in
        try line.evaluate(alphas) { clamped in
            try budget.evaluate(clamped.map { pointOnLine(point, direction, $0) }, objective)
        }
    }
    let alpha = line.clamp(rawAlpha)
    let step = direction.map { alpha * $0 }
    let newPoint = zip(point, step).map { $0 + $1 }
    return LineSearchOutcome(point: newPoint, value: lineValue, step: step)
}

/// The α range of a bounded line search and the values of its two end points once evaluated.
private struct ClampedLine {
    let interval: (lower: Double, upper: Double)
    private var endValues: [Double: Double] = [:]

    init(interval: (lower: Double, upper: Double)) {
        self.interval = interval
    }

    /// α clamped to the interval (NaN stays NaN, as in numpy's clip).
    func clamp(_ alpha: Double) -> Double { min(max(alpha, interval.lower), interval.upper) }

    /// g at every α: the points inside the interval and the ends not yet known are evaluated
    /// in one batch (in order, each end once), a known end's value is reused.
    mutating func evaluate(_ alphas: [Double], _ evaluate: ([Double]) throws -> [Double]) throws -> [Double] {
        var pending: [Double] = []
        var pendingEnds: [Double: Int] = [:]
        // Where each α's value comes from: an index into `pending`, or nil for a known end.
        let sources: [Int?] = alphas.map { alpha in
            let point = clamp(alpha)
            guard isClamped(alpha, point) else {
                pending.append(point)
                return pending.count - 1
            }
            if endValues[point] != nil { return nil }
            if let index = pendingEnds[point] { return index }
            pending.append(point)
            pendingEnds[point] = pending.count - 1
            return pending.count - 1
        }
        let values = pending.isEmpty ? [] : try evaluate(pending)
        for (point, index) in pendingEnds { endValues[point] = values[index] }
        return zip(alphas, sources).map { alpha, source in
            source.map { values[$0] } ?? endValues[clamp(alpha)] ?? .nan
        }
    }

    private func isClamped(_ alpha: Double, _ point: Double) -> Bool { !alpha.isNaN && point != alpha }
}

/// point + α·direction, computed as numpy does (the product first, then the sum), so the
/// final point of a line search is exactly the one whose value Brent returned.
private func pointOnLine(_ point: [Double], _ direction: [Double], _ alpha: Double) -> [Double] {
    zip(point, direction).map { $0 + alpha * $1 }
}

/// (α, f) from Brent's method on the line, or the bracket-failure fallback.
private func minimizeAlongLine(
    tolerance: Double, knownStartValue: Double?, _ evaluate: ([Double]) throws -> [Double]
) throws -> (Double, Double) {
    do {
        let minimum = try brentMinimum(start: .search(0, 1), knownStartValue: knownStartValue,
                                       relativeTolerance: tolerance,
                                       maxIterations: BrentDefaults.maxIterations, evaluate)
        return (minimum.x, minimum.value)
    } catch let OptimizationError.bracketNotFound(bracket, _) {
        let candidates = [(bracket.xa, bracket.fa), (bracket.xb, bracket.fb), (bracket.xc, bracket.fc)]
        if candidates.contains(where: { $0.0.isNaN || $0.1.isNaN }) { return (.nan, .nan) }
        // The first of equal minima, as numpy's argmin.
        var best = candidates[0]
        for candidate in candidates.dropFirst() where candidate.1 < best.1 { best = candidate }
        return best
    }
}
