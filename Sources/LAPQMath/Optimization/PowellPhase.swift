/// Why Powell's method stopped.
public enum PowellStatus: String, Sendable, Equatable, Codable {
    /// The f-tolerance test passed: 2(f_old − f) ≤ fTolerance·(|f_old| + |f|) + 1e-20.
    case converged
    /// `maxIterations` iterations completed.
    case maxIterationsReached
    /// The next evaluations would exceed `maxEvaluations`, or exactly that many were made.
    case maxEvaluationsReached
    /// The iteration callback answered `.stop`.
    case stoppedByCallback
    /// Both f at the start and at the end of an iteration are NaN, or the final x or f is NaN.
    case notANumber
}

/// What the next `PowellMinimizer.step` does.
public enum PowellPhase: Sendable, Equatable, Codable {
    /// Minimize along `directions[direction]` from x (one line search of the sweep).
    case lineSearch(direction: Int)
    /// Evaluate the extrapolated point 2x − x_previous and, when Powell's test says so,
    /// search along x − x_previous and let it replace the direction of largest decrease.
    case extrapolation
    /// Done; `PowellMinimizer.result` is available.
    case finished(PowellStatus)
}
