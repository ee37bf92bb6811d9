/// What the iteration callback sees after each iteration of Powell's method.
public struct PowellProgress: Sendable, Equatable {
    /// Completed iterations, 1 at the first call.
    public var iteration: Int
    public var x: [Double]
    /// f(x).
    public var value: Double
    /// Objective evaluations so far.
    public var evaluations: Int
}

/// The iteration callback's answer.
public enum PowellDecision: Sendable, Equatable {
    case proceed
    case stop
}
