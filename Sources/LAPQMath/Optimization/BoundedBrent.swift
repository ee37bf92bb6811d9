/// scipy.optimize.minimize_scalar(method="bounded")'s defaults.
public enum BoundedBrentDefaults {
    public static let absoluteTolerance = 1e-5
    public static let maxIterations = 500
    /// (3 − √5)/2, the golden-section fraction.
    static let goldenFraction = 0.5 * (3.0 - (5.0).squareRoot())
    /// √(2.2e-16), the relative part of the tolerance as scipy rounds it.
    static let relativeTolerance = (2.2e-16).squareRoot()
}

/// Minimizes f on [lowerBound, upperBound] by Brent's bounded method (Brent 1973, ch. 5,
/// procedure `localmin`; Forsythe, Malcolm & Moler 1977 `fmin`) with the semantics of
/// scipy.optimize.minimize_scalar(method="bounded") / fminbound:
///
/// starts at a + (3 − √5)/2·(b − a); each step takes the vertex of the parabola through the
/// three best points when it lies inside the interval and moves less than half the step before
/// last, a golden-section step into the larger part otherwise, and at least
/// tol1 = √2.2e-16·|x| + absoluteTolerance/3. Stops when |x − (a+b)/2| ≤ 2·tol1 − (b − a)/2,
/// or after `maxIterations` evaluations (scipy counts one evaluation per iteration, so this is
/// also the evaluation limit). Never evaluates outside [lowerBound, upperBound], and never at
/// an end unless the interval is shorter than the tolerance.
///
/// `converged` is false when the evaluation limit stopped the search or a NaN appeared.
/// Preconditions: finite bounds with lowerBound ≤ upperBound, maxIterations ≥ 1. One
/// evaluation per iteration; superlinear on smooth f, never worse than golden section.
public func minimizeScalarBounded(
    lowerBound: Double, upperBound: Double,
    absoluteTolerance: Double = BoundedBrentDefaults.absoluteTolerance,
    maxIterations: Int = BoundedBrentDefaults.maxIterations,
    _ objective: (Double) throws -> Double
) rethrows -> ScalarMinimum {
    precondition(lowerBound.isFinite && upperBound.isFinite,
                 "bounds must be finite, got [\(lowerBound), \(upperBound)]")
    precondition(lowerBound <= upperBound, "lower bound \(lowerBound) exceeds upper bound \(upperBound)")
    precondition(maxIterations >= 1, "maxIterations must be >= 1, got \(maxIterations)")
    let start = lowerBound + BoundedBrentDefaults.goldenFraction * (upperBound - lowerBound)
    var search = BoundedSearch(lowerBound: lowerBound, upperBound: upperBound, start: start,
                               value: try objective(start), absoluteTolerance: absoluteTolerance)
    var evaluations = 1
    var lastValue = Double.infinity
    var hitLimit = false
    while !search.isConverged {
        let trial = search.nextTrial()
        lastValue = try objective(trial)
        evaluations += 1
        search.accept(trial, value: lastValue)
        if evaluations >= maxIterations {
            hitLimit = true
            break
        }
    }
    let sawNaN = search.x.isNaN || search.fx.isNaN || lastValue.isNaN
    return ScalarMinimum(x: search.x, value: search.fx, iterations: evaluations,
                         evaluations: evaluations, converged: !hitLimit && !sawNaN)
}

/// The bounded method's state: interval [a, b], best point x, second best w, previous w in v,
/// last step `step` and the one before `previousStep`, and the tolerance for the current x.
private struct BoundedSearch {
    var a: Double, b: Double
    var x: Double, w: Double, v: Double
    var fx: Double, fw: Double, fv: Double
    var step = 0.0
    var previousStep = 0.0
    let absoluteTolerance: Double

    init(lowerBound: Double, upperBound: Double, start: Double, value: Double, absoluteTolerance: Double) {
        (a, b) = (lowerBound, upperBound)
        (x, w, v) = (start, start, start)
        (fx, fw, fv) = (value, value, value)
        self.absoluteTolerance = absoluteTolerance
    }

    var tolerance: Double { BoundedBrentDefaults.relativeTolerance * abs(x) + absoluteTolerance / 3.0 }
    var middle: Double { 0.5 * (a + b) }
    var isConverged: Bool { !(abs(x - middle) > 2.0 * tolerance - 0.5 * (b - a)) }

    /// The next point: parabolic when acceptable, else golden section; at least `tolerance` from x.
    mutating func nextTrial() -> Double {
        let tol = tolerance
        if !(abs(previousStep) > tol && parabolicStep(tolerance: tol)) {
            previousStep = x >= middle ? a - x : b - x
            step = BoundedBrentDefaults.goldenFraction * previousStep
        }
        return x + signOrOne(step) * nanPropagatingMax(abs(step), tol)
    }

    /// Sets `step` to the parabola's vertex and returns true when that step is inside (a, b)
    /// and shorter than half the step before last; returns false for a golden-section step.
    private mutating func parabolicStep(tolerance: Double) -> Bool {
        var r = (x - w) * (fx - fv)
        var q = (x - v) * (fx - fw)
        var p = (x - v) * q - (x - w) * r
        q = 2.0 * (q - r)
        if q > 0.0 { p = -p }
        q = abs(q)
        r = previousStep
        previousStep = step
        guard abs(p) < abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x) else { return false }
        step = (p + 0.0) / q
        let trial = x + step
        // Do not evaluate within 2·tol of a bound.
        if trial - a < 2.0 * tolerance || b - trial < 2.0 * tolerance {
            step = tolerance * signOrOne(middle - x)
        }
        return true
    }

    /// Shrinks the interval around the better of x and the trial and updates x, w, v.
    mutating func accept(_ trial: Double, value: Double) {
        if value <= fx {
            if trial >= x { a = x } else { b = x }
            (v, fv) = (w, fw)
            (w, fw) = (x, fx)
            (x, fx) = (trial, value)
        } else {
            if trial < x { a = trial } else { b = trial }
            if value <= fw || w == x {
                (v, fv) = (w, fw)
                (w, fw) = (trial, value)
            } else if value <= fv || v == x || v == w {
                (v, fv) = (trial, value)
            }
        }
    }
}

/// sign(value) with sign(0) = 1 (numpy's `np.sign(v) + (v == 0)`); NaN stays NaN.
private func signOrOne(_ value: Double) -> Double {
    if value.isNaN { return value }
    return value < 0 ? -1.0 : 1.0
}

/// max(a, b) that returns NaN when either is NaN, as numpy's `np.maximum`.
private func nanPropagatingMax(_ lhs: Double, _ rhs: Double) -> Double {
    if lhs.isNaN || rhs.isNaN { return .nan }
    return max(lhs, rhs)
}
