/// Where a run of Powell's method stands, for progress reports on long runs: the iteration and
/// step under way, and an estimate of the evaluations left.
///
/// A run of I iterations over N variables takes I·N line searches and I − 1 extrapolations
/// (one between two iterations; none after the last, which stops the run). The estimate
/// assumes every step left costs what the steps so far cost on average, and that the
/// iteration limit is reached: Powell's f-tolerance may stop it sooner.
public struct PowellPosition: Sendable, Equatable {
    /// The iteration under way, 1-based (an extrapolation belongs to the sweep before it); once
    /// finished, the last one completed.
    public var iteration: Int
    /// The sweep's line search under way, 1-based; nil during an extrapolation or once finished.
    public var lineSearch: Int?
    /// The number of variables N (line searches per iteration).
    public var dimension: Int
    /// Steps completed: line searches of the sweeps and extrapolations (once finished, those of
    /// the completed iterations: a run stopped by its evaluation cap drops its last line search).
    public var stepsDone: Int
    /// Evaluations left if the remaining steps cost the mean of those done: nil before the first
    /// step completes, or when no iteration limit bounds the run. 0 once finished.
    public var estimatedRemainingEvaluations: Int?

    /// "iteration 1 of 2, line search 17 of 40", "… extrapolation"; "iteration 3" without a limit.
    public func description(iterationLimit: Int?) -> String {
        let iterationText = iterationLimit.map { "iteration \(iteration) of \($0)" } ?? "iteration \(iteration)"
        let stepText = lineSearch.map { "line search \($0) of \(dimension)" } ?? "extrapolation"
        return "\(iterationText), \(stepText)"
    }
}

extension PowellState {
    /// This state's position in a run limited to `iterationLimit` iterations (nil: unlimited).
    public func position(iterationLimit: Int?) -> PowellPosition {
        let completed = iteration
        let stepsDone: Int, current: Int, lineSearch: Int?
        switch phase {
        case let .lineSearch(direction):
            stepsDone = completed * (dimension + 1) + direction
            (current, lineSearch) = (completed + 1, direction + 1)
        case .extrapolation:
            // The extrapolation ends the iteration whose sweep it follows.
            stepsDone = steps(iterations: completed)
            (current, lineSearch) = (completed, nil)
        case .finished:
            return PowellPosition(iteration: completed, lineSearch: nil, dimension: dimension,
                                  stepsDone: steps(iterations: completed),
                                  estimatedRemainingEvaluations: 0)
        }
        var estimate: Int?
        if let iterationLimit, stepsDone > 0 {
            let stepsInRun = steps(iterations: iterationLimit)
            // `evaluations` counts the start point, which no step paid for.
            let perStep = Double(evaluations - 1) / Double(stepsDone)
            estimate = Int((Double(max(stepsInRun - stepsDone, 0)) * perStep).rounded())
        }
        return PowellPosition(iteration: current, lineSearch: lineSearch, dimension: dimension,
                              stepsDone: stepsDone, estimatedRemainingEvaluations: estimate)
    }

    /// The steps of `iterations` whole iterations: N line searches each, an extrapolation between two.
    private func steps(iterations: Int) -> Int {
        max(iterations * (dimension + 1) - 1, 0)
    }
}
