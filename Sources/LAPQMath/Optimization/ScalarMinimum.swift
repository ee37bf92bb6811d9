/// The outcome of a one-dimensional minimization.
public struct ScalarMinimum: Sendable, Equatable, Codable {
    /// The best abscissa found.
    public var x: Double
    /// f(x), the value at `x` as the objective returned it.
    public var value: Double
    /// Iterations of the main loop (for the bounded method, scipy's convention: equal to
    /// `evaluations`).
    public var iterations: Int
    /// Objective evaluations, including those of a bracket search or of the initial points.
    public var evaluations: Int
    /// True when the tolerance test stopped the method: false when the iteration or
    /// evaluation limit did, or when x or f(x) is NaN.
    public var converged: Bool

    public init(x: Double, value: Double, iterations: Int, evaluations: Int, converged: Bool) {
        self.x = x
        self.value = value
        self.iterations = iterations
        self.evaluations = evaluations
        self.converged = converged
    }
}
