/// Where Brent's method starts.
public enum BrentStart: Sendable, Equatable {
    /// Search a bracket downhill from these two points with `bracketMinimum` (scipy's
    /// `brack=(xa, xb)`; `brack=None` is `.search(0, 1)`).
    case search(Double, Double)
    /// Use this bracket (scipy's `brack=(xa, xb, xc)`): after ordering the ends it must hold
    /// xa < xb < xc and f(xb) < f(xa), f(xb) < f(xc); its three points are evaluated in one batch.
    case bracket(Double, Double, Double)
}

/// scipy.optimize.brent's defaults: relative tolerance √ε ≈ 1.48e-8 and 500 iterations.
public enum BrentDefaults {
    public static let relativeTolerance = 1.48e-8
    public static let maxIterations = 500
    /// The absolute part of the tolerance, so a minimum at x = 0 is still found.
    static let absoluteTolerance = 1.0e-11
    /// (3 − √5)/2 rounded as in scipy, the golden-section fraction.
    static let goldenFraction = 0.3819660
}

/// Minimizes f of one variable by Brent's method (Brent 1973, "Algorithms for Minimization
/// without Derivatives", ch. 5; Press et al., Numerical Recipes §10.2 `brent`) with the
/// semantics of scipy.optimize.brent / minimize_scalar(method="brent"):
///
/// keeps a bracket [a, b] ∋ x, the best point x and the two previous best w, v; each iteration
/// takes the vertex of the parabola through x, w, v when it falls inside [a, b] and moves less
/// than half the step before last, and a golden-section step into the larger half otherwise;
/// no step is shorter than tol1 = relativeTolerance·|x| + 1e-11. Stops when
/// |x − (a+b)/2| < 2·tol1 − (b − a)/2, i.e. when the bracket is within about 4·tol1.
///
/// The minimizer need not lie between the initial points. Throws the bracket errors of
/// `OptimizationError` and whatever the objective throws. `converged` is false when
/// `maxIterations` ran out or x or f(x) is NaN. Superlinear on smooth functions, never
/// worse than golden section (one evaluation per iteration).
public func minimizeScalarBrent(
    start: BrentStart = .search(0, 1),
    relativeTolerance: Double = BrentDefaults.relativeTolerance,
    maxIterations: Int = BrentDefaults.maxIterations,
    _ objective: (Double) throws -> Double
) throws -> ScalarMinimum {
    try minimizeScalarBrent(start: start, relativeTolerance: relativeTolerance, maxIterations: maxIterations,
                            batchObjective: { points in try points.map(objective) })
}

/// `minimizeScalarBrent(start:relativeTolerance:maxIterations:_:)` with a batched objective,
/// called with several points only where they are independent (the bracket's initial points).
public func minimizeScalarBrent(
    start: BrentStart = .search(0, 1),
    relativeTolerance: Double = BrentDefaults.relativeTolerance,
    maxIterations: Int = BrentDefaults.maxIterations,
    batchObjective: ([Double]) throws -> [Double]
) throws -> ScalarMinimum {
    try brentMinimum(start: start, relativeTolerance: relativeTolerance, maxIterations: maxIterations) { points in
        try checkedValues(batchObjective(points), pointCount: points.count)
    }
}

/// The method behind `minimizeScalarBrent`; `evaluate` must answer one value per point.
/// `knownStartValue`, when given, is f at the first point of a `.search` start and saves
/// its evaluation.
func brentMinimum(
    start: BrentStart, knownStartValue: Double? = nil, relativeTolerance: Double, maxIterations: Int,
    _ evaluate: ([Double]) throws -> [Double]
) throws -> ScalarMinimum {
    precondition(relativeTolerance >= 0, "tolerance must be >= 0, got \(relativeTolerance)")
    let (bracket, bracketEvaluations) = try initialBracket(start, knownStartValue, evaluate)
    var search = BrentSearch(bracket: bracket)
    var iterations = 0
    while iterations < maxIterations {
        let tolerance = relativeTolerance * abs(search.x) + BrentDefaults.absoluteTolerance
        guard let trial = search.nextTrial(tolerance: tolerance) else { break }
        search.accept(trial, value: try evaluate([trial])[0])
        iterations += 1
    }
    let converged = iterations < maxIterations && !search.x.isNaN && !search.fx.isNaN
    return ScalarMinimum(x: search.x, value: search.fx, iterations: iterations,
                         evaluations: bracketEvaluations + iterations, converged: converged)
}

/// The starting bracket and the evaluations it cost.
private func initialBracket(
    _ start: BrentStart, _ knownStartValue: Double?, _ evaluate: ([Double]) throws -> [Double]
) throws -> (Bracket, Int) {
    switch start {
    case let .search(first, second):
        let found = try searchBracket(from: first, second, knownFirstValue: knownStartValue,
                                      growLimit: BracketDefaults.growLimit,
                                      maxIterations: BracketDefaults.maxIterations, evaluate)
        return (found.bracket, found.evaluations)
    case let .bracket(first, middle, last):
        precondition(knownStartValue == nil, "a known start value applies to a bracket search only")
        let (xa, xc) = first > last ? (last, first) : (first, last)
        guard xa < middle && middle < xc else { throw OptimizationError.bracketNotOrdered(xa, middle, xc) }
        let values = try evaluate([xa, middle, xc])
        let bracket = Bracket(xa: xa, xb: middle, xc: xc, fa: values[0], fb: values[1], fc: values[2])
        guard bracket.fb < bracket.fa && bracket.fb < bracket.fc else {
            throw OptimizationError.bracketNotDescending(bracket)
        }
        return (bracket, 3)
    }
}

/// Brent's state: the interval [a, b], the best point x, the second best w, the previous w
/// in v, the last step `step` and the one before it `previousStep`.
private struct BrentSearch {
    var a: Double, b: Double
    var x: Double, w: Double, v: Double
    var fx: Double, fw: Double, fv: Double
    var step = 0.0
    var previousStep = 0.0

    init(bracket: Bracket) {
        (x, w, v) = (bracket.xb, bracket.xb, bracket.xb)
        (fx, fw, fv) = (bracket.fb, bracket.fb, bracket.fb)
        (a, b) = bracket.xa < bracket.xc ? (bracket.xa, bracket.xc) : (bracket.xc, bracket.xa)
    }

    /// The next point to evaluate, or nil when the interval is within tolerance of x.
    mutating func nextTrial(tolerance: Double) -> Double? {
        let doubleTolerance = 2.0 * tolerance
        let middle = 0.5 * (a + b)
        if abs(x - middle) < doubleTolerance - 0.5 * (b - a) { return nil }
        if abs(previousStep) <= tolerance {
            goldenSection(middle: middle)
        } else {
            parabolicOrGolden(middle: middle, tolerance: tolerance)
        }
        // Never step by less than the tolerance: a shorter step cannot be told apart from x.
        if abs(step) < tolerance { return step >= 0 ? x + tolerance : x - tolerance }
        return x + step
    }

    private mutating func goldenSection(middle: Double) {
        previousStep = x >= middle ? a - x : b - x
        step = BrentDefaults.goldenFraction * previousStep
    }

    /// Takes the parabola's vertex when it is inside (a, b) and moves less than half the step
    /// before last (which guarantees convergence); otherwise a golden-section step.
    private mutating func parabolicOrGolden(middle: Double, tolerance: Double) {
        let r = (x - w) * (fx - fv)
        var q = (x - v) * (fx - fw)
        var p = (x - v) * q - (x - w) * r
        q = 2.0 * (q - r)
        if q > 0.0 { p = -p }
        q = abs(q)
        let stepBeforeLast = previousStep
        previousStep = step
        guard p > q * (a - x) && p < q * (b - x) && abs(p) < abs(0.5 * q * stepBeforeLast) else {
            goldenSection(middle: middle)
            return
        }
        step = p * 1.0 / q
        let trial = x + step
        // Do not evaluate within 2·tol of an end of the interval.
        if trial - a < 2.0 * tolerance || b - trial < 2.0 * tolerance {
            step = middle - x >= 0 ? tolerance : -tolerance
        }
    }

    /// Shrinks the interval around the better of x and the trial and updates x, w, v.
    mutating func accept(_ trial: Double, value: Double) {
        if value > fx {
            if trial < x { a = trial } else { b = trial }
            if value <= fw || w == x {
                (v, fv) = (w, fw)
                (w, fw) = (trial, value)
            } else if value <= fv || v == x || v == w {
                (v, fv) = (trial, value)
            }
        } else {
            if trial >= x { a = x } else { b = x }
            (v, fv) = (w, fw)
            (w, fw) = (x, fx)
            (x, fx) = (trial, value)
        }
    }
}
