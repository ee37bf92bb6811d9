/// The outcome of Powell's method (scipy's `x`, `fun`, `nfev`, `nit`, `direc`, `status`).
public struct PowellResult: Sendable, Equatable, Codable {
    /// The best point found.
    public var x: [Double]
    /// f(x).
    public var value: Double
    /// Objective evaluations, including the start point and any interrupted line search.
    public var evaluations: Int
    /// Completed iterations.
    public var iterations: Int
    /// The final search directions (rows).
    public var directions: [[Double]]
    public var status: PowellStatus

    /// True when the f-tolerance test stopped the method.
    public var converged: Bool { status == .converged }

    init(state: PowellState, status: PowellStatus) {
        x = state.x
        value = state.value
        evaluations = state.evaluations
        iterations = state.iteration
        directions = state.directions
        self.status = status
    }
}
