/// The complete state of Powell's method between two steps: enough to resume and reach the
/// same result bit for bit (with the same options and a deterministic objective). Codable
/// for checkpoints. Encoders must be told how to write non-finite numbers if f can be ±∞/NaN.
public struct PowellState: Sendable, Equatable, Codable {
    /// The current point (the best found).
    public var x: [Double]
    /// f(x).
    public var value: Double
    /// The N search directions (rows).
    public var directions: [[Double]]
    /// Completed iterations (sweeps over all N directions).
    public var iteration: Int
    /// What the next step does; `.lineSearch(direction: i)` gives the index within the sweep.
    public var phase: PowellPhase
    /// Objective evaluations so far, including the start point.
    public var evaluations: Int
    /// f at the start of the current iteration (f_old in the stopping test).
    public var iterationStartValue: Double
    /// The point the extrapolation starts from: the iterate before the previous extrapolation
    /// (the start point in the first iteration).
    public var extrapolationBase: [Double]
    /// The largest single decrease of f in the current sweep, and the direction that gave it.
    public var largestDecrease: Double
    public var largestDecreaseDirection: Int

    /// The state after evaluating the start point: first line search next.
    public init(start: [Double], value: Double, directions: [[Double]]) {
        x = start
        self.value = value
        self.directions = directions
        iteration = 0
        phase = .lineSearch(direction: 0)
        evaluations = 1
        iterationStartValue = value
        extrapolationBase = start
        largestDecrease = 0
        largestDecreaseDirection = 0
    }

    /// The number of variables N.
    public var dimension: Int { x.count }

    /// The status when finished, nil while running.
    public var status: PowellStatus? {
        if case let .finished(status) = phase { return status }
        return nil
    }

    /// Opens the next iteration: records f_old and clears the sweep's largest decrease.
    mutating func beginIteration() {
        iterationStartValue = value
        largestDecrease = 0
        largestDecreaseDirection = 0
        phase = .lineSearch(direction: 0)
    }
}
