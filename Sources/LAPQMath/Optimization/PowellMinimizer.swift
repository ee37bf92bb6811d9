/// Powell's conjugate-direction method (Powell 1964, "An efficient method for finding the
/// minimum of a function of several variables without calculating derivatives"; Press et al.,
/// Numerical Recipes §10.7 `powell`) with the semantics of
/// scipy.optimize.minimize(method="Powell") without bounds, as a resumable step machine; with
/// `PowellOptions.bounds`, each line search is clamped to the box (docs/algorithms.md).
///
/// One iteration: a line search (`powellLineSearch`) along each of the N directions in turn;
/// then the callback; then stop if 2(f_old − f) ≤ fTolerance·(|f_old| + |f|) + 1e-20, or the
/// evaluation or iteration limit is reached, or f_old and f are both NaN; otherwise evaluate
/// the extrapolated point x_e = 2x − x_prev and, if f(x_e) < f_old and
/// 2(f_old − 2f + f_e)(f_old − f − Δ)² − Δ(f_old − f_e)² < 0 (Δ the sweep's largest single
/// decrease), search along x − x_prev and put that direction last, in place of the direction
/// of largest decrease (unless the search did not move).
///
/// `step` performs one line search (the sweep's i-th, or the extrapolation with its optional
/// line search) and updates `state` only when the step completes, so a step whose objective
/// throws can be retried, and a saved `state` resumes to the same result bit for bit.
/// Every line search costs ≥ 3 evaluations (the bracket; 2 with `reusesCurrentValue`) plus one
/// per Brent iteration.
public struct PowellMinimizer: Sendable {
    public let options: PowellOptions
    public private(set) var state: PowellState

    /// Starts at `start` (N ≥ 1 variables), evaluating f(start) in a batch of one.
    public init(start: [Double], options: PowellOptions = PowellOptions(),
                batchObjective: ([[Double]]) throws -> [Double]) throws {
        precondition(!start.isEmpty, "Powell's method needs at least one variable")
        options.validate(dimension: start.count)
        precondition(options.bounds?.contains(start) ?? true, "the start must lie within the bounds")
        let value = try checkedValues(batchObjective([start]), pointCount: 1)[0]
        self.options = options
        state = PowellState(start: start, value: value,
                            directions: options.startDirections(dimension: start.count))
    }

    /// `init(start:options:batchObjective:)` with a one-point objective.
    public init(start: [Double], options: PowellOptions = PowellOptions(),
                objective: ([Double]) throws -> Double) throws {
        try self.init(start: start, options: options, batchObjective: { points in try points.map(objective) })
    }

    /// Resumes from a saved state with the options of the run that saved it.
    public init(resumingFrom state: PowellState, options: PowellOptions) {
        precondition(!state.x.isEmpty && state.directions.count == state.dimension
                        && state.directions.allSatisfy { $0.count == state.dimension }
                        && state.extrapolationBase.count == state.dimension,
                     "state's x, directions and extrapolationBase disagree in dimension")
        if case let .lineSearch(direction) = state.phase {
            precondition((0..<state.dimension).contains(direction), "state's direction index \(direction) is out of range")
        }
        options.validate(dimension: state.dimension)
        self.options = options
        self.state = state
    }

    /// The result once `state.phase` is `.finished`, nil before.
    public var result: PowellResult? {
        state.status.map { PowellResult(state: state, status: $0) }
    }

    /// Performs the next line search (see `PowellPhase`); does nothing once finished.
    /// Rethrows the objective's errors and `OptimizationError.bracketIterationLimitReached`,
    /// leaving `state` as it was before the step.
    public mutating func step(
        callback: (PowellProgress) -> PowellDecision = { _ in .proceed },
        batchObjective: ([[Double]]) throws -> [Double]
    ) throws {
        let limits = options.resolvedLimits(dimension: state.dimension)
        var budget = EvaluationBudget(used: state.evaluations, limit: limits.evaluations)
        var next = state
        do {
            switch state.phase {
            case let .lineSearch(direction):
                try searchSweep(direction, &next, &budget, batchObjective)
                if direction + 1 < next.dimension {
                    next.phase = .lineSearch(direction: direction + 1)
                } else {
                    completeIteration(&next, limits: limits, callback: callback)
                }
            case .extrapolation:
                try extrapolate(&next, &budget, batchObjective)
                next.beginIteration()
            case .finished:
                return
            }
        } catch is EvaluationBudgetExhausted {
            // As scipy: the interrupted line search is dropped, its evaluations still count.
            next = state
            next.evaluations = budget.used
            next.phase = .finished(.maxEvaluationsReached)
        }
        state = next
    }

    /// `step(callback:batchObjective:)` with a one-point objective.
    public mutating func step(
        callback: (PowellProgress) -> PowellDecision = { _ in .proceed },
        objective: ([Double]) throws -> Double
    ) throws {
        try step(callback: callback, batchObjective: { points in try points.map(objective) })
    }

    private var lineTolerance: Double { options.xTolerance * 100 }

    private func lineSearch(
        from state: PowellState, along direction: [Double], _ budget: inout EvaluationBudget,
        _ objective: ([[Double]]) throws -> [Double]
    ) throws -> LineSearchOutcome {
        try powellLineSearch(from: state.x, along: direction, value: state.value,
                             reusesValue: options.reusesCurrentValue, tolerance: lineTolerance,
                             bounds: options.bounds, budget: &budget, objective: objective)
    }

    /// x + d unbounded; x + min(αmax, 1)·d with bounds, so the point stays in the box (scipy).
    private func extrapolatedPoint(_ x: [Double], _ direction: [Double]) -> [Double] {
        guard let bounds = options.bounds else { return zip(x, direction).map { $0 + $1 } }
        let scale = min(bounds.lineInterval(from: x, along: direction).upper, 1)
        return zip(x, direction).map { $0 + scale * $1 }
    }

    /// Line search along directions[index]; records the sweep's largest decrease.
    private func searchSweep(
        _ index: Int, _ state: inout PowellState, _ budget: inout EvaluationBudget,
        _ objective: ([[Double]]) throws -> [Double]
    ) throws {
        let before = state.value
        let outcome = try lineSearch(from: state, along: state.directions[index], &budget, objective)
        state.x = outcome.point
        state.value = outcome.value
        state.evaluations = budget.used
        if before - outcome.value > state.largestDecrease {
            state.largestDecrease = before - outcome.value
            state.largestDecreaseDirection = index
        }
    }

    /// End of a sweep: count the iteration, call back, apply the stopping tests in scipy's order.
    private func completeIteration(
        _ state: inout PowellState, limits: (iterations: Int, evaluations: Int),
        callback: (PowellProgress) -> PowellDecision
    ) {
        state.iteration += 1
        let progress = PowellProgress(iteration: state.iteration, x: state.x, value: state.value,
                                      evaluations: state.evaluations)
        if callback(progress) == .stop {
            state.phase = .finished(.stoppedByCallback)
            return
        }
        let (oldValue, value) = (state.iterationStartValue, state.value)
        let converged = 2.0 * (oldValue - value) <= options.fTolerance * (abs(oldValue) + abs(value)) + 1e-20
        if converged || state.evaluations >= limits.evaluations || state.iteration >= limits.iterations
            || (oldValue.isNaN && value.isNaN) {
            state.phase = .finished(terminalStatus(state, limits: limits))
        } else {
            state.phase = .extrapolation
        }
    }

    /// scipy's status priority: evaluation limit, iteration limit, NaN, success.
    private func terminalStatus(_ state: PowellState, limits: (iterations: Int, evaluations: Int)) -> PowellStatus {
        if state.evaluations >= limits.evaluations { return .maxEvaluationsReached }
        if state.iteration >= limits.iterations { return .maxIterationsReached }
        if state.value.isNaN || state.x.contains(where: \.isNaN) { return .notANumber }
        return .converged
    }

    /// Evaluates 2x − x_prev and, when Powell's test accepts the new direction x − x_prev,
    /// searches along it and swaps it in for the direction of largest decrease.
    private func extrapolate(
        _ state: inout PowellState, _ budget: inout EvaluationBudget,
        _ objective: ([[Double]]) throws -> [Double]
    ) throws {
        let direction = zip(state.x, state.extrapolationBase).map { $0 - $1 }
        state.extrapolationBase = state.x
        let extrapolated = extrapolatedPoint(state.x, direction)
        let extrapolatedValue = try budget.evaluate([extrapolated], objective)[0]
        state.evaluations = budget.used
        let (oldValue, value, decrease) = (state.iterationStartValue, state.value, state.largestDecrease)
        guard oldValue > extrapolatedValue else { return }
        var test = 2.0 * (oldValue + extrapolatedValue - 2.0 * value)
        var gap = oldValue - value - decrease
        test *= gap * gap
        gap = oldValue - extrapolatedValue
        test -= decrease * gap * gap
        guard test < 0.0 else { return }
        let outcome = try lineSearch(from: state, along: direction, &budget, objective)
        state.x = outcome.point
        state.value = outcome.value
        state.evaluations = budget.used
        if outcome.step.contains(where: { $0 != 0 }) {
            let last = state.dimension - 1
            state.directions[state.largestDecreaseDirection] = state.directions[last]
            state.directions[last] = outcome.step
        }
    }
}
