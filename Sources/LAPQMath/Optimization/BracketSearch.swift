/// The default growth limit and iteration limit of scipy.optimize.bracket.
public enum BracketDefaults {
    public static let growLimit = 110.0
    public static let maxIterations = 1000
}

/// Brackets a minimum of f by a downhill search from two points, with the semantics of
/// scipy.optimize.bracket (Press et al., Numerical Recipes, 3rd ed., §10.1 `mnbrak`):
///
/// 1. Evaluate f(firstPoint), f(secondPoint) (one batch of two); orient so f(xa) ≥ f(xb).
/// 2. xc = xb + 1.618034·(xb − xa). While f(xc) < f(xb): fit a parabola through the three
///    points and try its vertex w; if w lies between xb and xc and is a minimum there, stop;
///    otherwise grow by the golden ratio, never further than xb + growLimit·(xc − xb).
/// 3. Throw `OptimizationError.bracketNotFound` if the final triple is not `Bracket.isValid`,
///    `.bracketIterationLimitReached` after more than `maxIterations` parabolic steps.
///
/// The growth factor is scipy's rounded 1.618034, not (1 + √5)/2, so results match scipy
/// bit for bit. `firstPoint` and `secondPoint` must differ. Each growth step costs one or two
/// evaluations; the search is O(log(distance to the minimum)) steps for a unimodal f.
public func bracketMinimum(
    from firstPoint: Double = 0, _ secondPoint: Double = 1,
    growLimit: Double = BracketDefaults.growLimit, maxIterations: Int = BracketDefaults.maxIterations,
    _ objective: (Double) throws -> Double
) throws -> BracketSearchResult {
    try bracketMinimum(from: firstPoint, secondPoint, growLimit: growLimit, maxIterations: maxIterations,
                       batchObjective: { points in try points.map(objective) })
}

/// `bracketMinimum(from:_:growLimit:maxIterations:_:)` with a batched objective, called with
/// the two independent initial points at once and with one point afterwards.
public func bracketMinimum(
    from firstPoint: Double = 0, _ secondPoint: Double = 1,
    growLimit: Double = BracketDefaults.growLimit, maxIterations: Int = BracketDefaults.maxIterations,
    batchObjective: ([Double]) throws -> [Double]
) throws -> BracketSearchResult {
    precondition(firstPoint != secondPoint, "bracket search needs two distinct points")
    return try searchBracket(from: firstPoint, secondPoint, growLimit: growLimit,
                             maxIterations: maxIterations) { points in
        try checkedValues(batchObjective(points), pointCount: points.count)
    }
}

/// The search behind `bracketMinimum`; `evaluate` must answer one value per point.
/// `knownFirstValue`, when given, is f(firstPoint) and saves its evaluation.
func searchBracket(
    from firstPoint: Double, _ secondPoint: Double, knownFirstValue: Double? = nil,
    growLimit: Double, maxIterations: Int, _ evaluate: ([Double]) throws -> [Double]
) throws -> BracketSearchResult {
    let initial = try knownFirstValue.map { try [$0] + evaluate([secondPoint]) }
        ?? evaluate([firstPoint, secondPoint])
    var search = BracketSearch(xa: firstPoint, xb: secondPoint, fa: initial[0], fb: initial[1],
                               growLimit: growLimit)
    search.points.xc = search.extendedByGoldenRatio()
    search.points.fc = try evaluate([search.points.xc])[0]
    var evaluations = knownFirstValue == nil ? 3 : 2
    var iteration = 0
    while search.points.fc < search.points.fb {
        if iteration > maxIterations {
            throw OptimizationError.bracketIterationLimitReached(maxIterations: maxIterations)
        }
        iteration += 1
        let finished = try search.advance { point in
            evaluations += 1
            return try evaluate([point])[0]
        }
        if finished { break }
    }
    guard search.points.isValid else {
        throw OptimizationError.bracketNotFound(search.points, evaluations: evaluations)
    }
    return BracketSearchResult(bracket: search.points, evaluations: evaluations)
}

/// The state of one downhill bracket search; `advance` is one pass of scipy's loop.
private struct BracketSearch {
    static let goldenRatio = 1.618034
    static let tinyDenominator = 1e-21

    var points: Bracket
    let growLimit: Double

    init(xa: Double, xb: Double, fa: Double, fb: Double, growLimit: Double) {
        // Orient downhill: f(xa) ≥ f(xb).
        points = fa < fb
            ? Bracket(xa: xb, xb: xa, xc: 0, fa: fb, fb: fa, fc: 0)
            : Bracket(xa: xa, xb: xb, xc: 0, fa: fa, fb: fb, fc: 0)
        self.growLimit = growLimit
    }

    /// xb + φ·(xb − xa), the golden step past xb away from xa.
    func extendedByGoldenRatio() -> Double {
        points.xb + Self.goldenRatio * (points.xb - points.xa)
    }

    /// The vertex of the parabola through the three points; a tiny denominator is replaced
    /// by 2e-21 so a collinear triple gives a huge (then limited) step instead of ±∞.
    private func parabolicVertex() -> Double {
        let (xa, xb, xc, fa, fb, fc) = (points.xa, points.xb, points.xc, points.fa, points.fb, points.fc)
        let lowerTerm = (xb - xa) * (fb - fc)
        let upperTerm = (xb - xc) * (fb - fa)
        let difference = upperTerm - lowerTerm
        let denominator = abs(difference) < Self.tinyDenominator ? 2.0 * Self.tinyDenominator : 2.0 * difference
        return xb - ((xb - xc) * upperTerm - (xb - xa) * lowerTerm) / denominator
    }

    /// One growth step; returns true when a bracket was closed early (the parabola's vertex
    /// between xb and xc is a minimum), false when the triple moved one step downhill.
    mutating func advance(_ evaluate: (Double) throws -> Double) throws -> Bool {
        let (xb, xc) = (points.xb, points.xc)
        var trial = parabolicVertex()
        let trialLimit = xb + growLimit * (xc - xb)
        var trialValue: Double
        if (trial - xc) * (xb - trial) > 0.0 {
            trialValue = try evaluate(trial)
            if trialValue < points.fc {
                points = Bracket(xa: xb, xb: trial, xc: xc, fa: points.fb, fb: trialValue, fc: points.fc)
                return true
            } else if trialValue > points.fb {
                points.xc = trial
                points.fc = trialValue
                return true
            }
            trial = xc + Self.goldenRatio * (xc - xb)
            trialValue = try evaluate(trial)
        } else if (trial - trialLimit) * (trialLimit - xc) >= 0.0 {
            trial = trialLimit
            trialValue = try evaluate(trial)
        } else if (trial - trialLimit) * (xc - trial) > 0.0 {
            trialValue = try evaluate(trial)
            if trialValue < points.fc {
                points.xb = xc
                points.fb = points.fc
                points.xc = trial
                points.fc = trialValue
                trial = points.xc + Self.goldenRatio * (points.xc - points.xb)
                trialValue = try evaluate(trial)
            }
        } else {
            trial = xc + Self.goldenRatio * (xc - xb)
            trialValue = try evaluate(trial)
        }
        points = Bracket(xa: points.xb, xb: points.xc, xc: trial, fa: points.fb, fb: points.fc, fc: trialValue)
        return false
    }
}
