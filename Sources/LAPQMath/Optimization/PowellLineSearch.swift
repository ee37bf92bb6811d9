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
func powellLineSearch(
    from point: [Double], along direction: [Double], value: Double, reusesValue: Bool,
    tolerance: Double, budget: inout EvaluationBudget, objective: ([[Double]]) throws -> [Double]
) throws -> LineSearchOutcome {
    guard direction.contains(where: { $0 != 0 }) else {
        return LineSearchOutcome(point: point, value: value, step: direction)
    }
    let knownStartValue = reusesValue ? value : nil
    let (alpha, lineValue) = try minimizeAlongLine(tolerance: tolerance, knownStartValue: knownStartValue) { alphas in
        try budget.evaluate(alphas.map { pointOnLine(point, direction, $0) }, objective)
    }
    let step = direction.map { alpha * $0 }
    let newPoint = zip(point, step).map { $0 + $1 }
    return LineSearchOutcome(point: newPoint, value: lineValue, step: step)
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
