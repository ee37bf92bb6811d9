extension PowellMinimizer {
    /// Steps until finished and returns the result. `afterStep` sees the state after every
    /// step (after each line search, or after an extrapolation that did not search), e.g. to
    /// write a checkpoint; an error it throws stops the run with `state` left after that step.
    public mutating func run(
        callback: (PowellProgress) -> PowellDecision = { _ in .proceed },
        afterStep: (PowellState) throws -> Void = { _ in },
        batchObjective: ([[Double]]) throws -> [Double]
    ) throws -> PowellResult {
        while true {
            if let result { return result }
            try step(callback: callback, batchObjective: batchObjective)
            try afterStep(state)
        }
    }
}

/// Minimizes f from `start` by Powell's method (see `PowellMinimizer`) and returns the result.
/// `callback` runs after each iteration and may stop the run. Throws the objective's errors.
public func minimizePowell(
    start: [Double], options: PowellOptions = PowellOptions(),
    callback: (PowellProgress) -> PowellDecision = { _ in .proceed },
    objective: ([Double]) throws -> Double
) throws -> PowellResult {
    try minimizePowell(start: start, options: options, callback: callback,
                       batchObjective: { points in try points.map(objective) })
}

/// `minimizePowell(start:options:callback:objective:)` with a batched objective, called with
/// several points where they are independent (the two initial points of each bracket search).
public func minimizePowell(
    start: [Double], options: PowellOptions = PowellOptions(),
    callback: (PowellProgress) -> PowellDecision = { _ in .proceed },
    batchObjective: ([[Double]]) throws -> [Double]
) throws -> PowellResult {
    var minimizer = try PowellMinimizer(start: start, options: options, batchObjective: batchObjective)
    return try minimizer.run(callback: callback, batchObjective: batchObjective)
}
