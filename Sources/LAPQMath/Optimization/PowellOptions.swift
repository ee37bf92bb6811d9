/// Settings of `PowellMinimizer`, with scipy.optimize.minimize(method="Powell")'s defaults
/// and meanings. Codable so a checkpoint can store them beside the `PowellState`.
public struct PowellOptions: Sendable, Equatable, Codable {
    /// Line-search tolerance: each line search is Brent's method with relative tolerance
    /// 100·xTolerance along the direction's parameter (scipy's `xtol`).
    public var xTolerance: Double
    /// Stop when one iteration lowers f by at most this relative amount:
    /// 2(f_old − f) ≤ fTolerance·(|f_old| + |f|) + 1e-20 (scipy's `ftol`).
    public var fTolerance: Double
    /// Iteration limit (scipy's `maxiter`); nil = see `resolvedLimits(dimension:)`.
    public var maxIterations: Int?
    /// Evaluation limit (scipy's `maxfev`), counting the evaluation of the start point;
    /// nil = see `resolvedLimits(dimension:)`.
    public var maxEvaluations: Int?
    /// The N start directions as rows (N × N); nil = the unit vectors e₁ … e_N. Not checked
    /// for full rank (scipy only warns): a rank-deficient set leaves a subspace unexplored.
    public var initialDirections: [[Double]]?
    /// When true, each line search takes f(x) for its point at α = 0 instead of evaluating it
    /// again as scipy does: one evaluation fewer per line search, the same trajectory for a
    /// deterministic objective (so the same x and f, up to where an evaluation limit stops).
    /// Off by default for parity with scipy's evaluation counts.
    public var reusesCurrentValue: Bool
    /// Bounds on the variables (scipy's `bounds`); nil = unbounded. Each line search is
    /// clamped to them (`PowellBounds`); the start must lie inside.
    public var bounds: PowellBounds?

    public init(xTolerance: Double = 1e-4, fTolerance: Double = 1e-4, maxIterations: Int? = nil,
                maxEvaluations: Int? = nil, initialDirections: [[Double]]? = nil,
                reusesCurrentValue: Bool = false, bounds: PowellBounds? = nil) {
        self.xTolerance = xTolerance
        self.fTolerance = fTolerance
        self.maxIterations = maxIterations
        self.maxEvaluations = maxEvaluations
        self.initialDirections = initialDirections
        self.reusesCurrentValue = reusesCurrentValue
        self.bounds = bounds
    }

    /// The limits in force for `dimension` variables, as scipy resolves them: both unset →
    /// both N·1000; one set → the other unlimited (`Int.max`).
    public func resolvedLimits(dimension: Int) -> (iterations: Int, evaluations: Int) {
        switch (maxIterations, maxEvaluations) {
        case (nil, nil): return (dimension * 1000, dimension * 1000)
        case let (iterations?, nil): return (iterations, Int.max)
        case let (nil, evaluations?): return (Int.max, evaluations)
        case let (iterations?, evaluations?): return (iterations, evaluations)
        }
    }

    /// The start directions for `dimension` variables (rows).
    func startDirections(dimension: Int) -> [[Double]] {
        if let initialDirections {
            precondition(initialDirections.count == dimension
                            && initialDirections.allSatisfy { $0.count == dimension },
                         "initialDirections must be \(dimension) × \(dimension)")
            return initialDirections
        }
        return (0..<dimension).map { row in (0..<dimension).map { $0 == row ? 1.0 : 0.0 } }
    }

    /// Checks the options that a caller can get wrong, for `dimension` variables.
    func validate(dimension: Int) {
        bounds?.validate(dimension: dimension)
        precondition(xTolerance >= 0, "xTolerance must be >= 0, got \(xTolerance)")
        precondition(fTolerance >= 0, "fTolerance must be >= 0, got \(fTolerance)")
        precondition((maxIterations ?? 1) >= 1, "maxIterations must be >= 1")
        precondition((maxEvaluations ?? 1) >= 1, "maxEvaluations must be >= 1 (the start point)")
    }
}
