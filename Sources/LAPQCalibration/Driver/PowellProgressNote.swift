import LAPQMath

/// What the progress line says about Powell while it runs: the iteration and line search under
/// way, and the evaluations left (docs/algorithms.md, "Progress"). The position is that of the
/// last completed step; evaluations made since then come off its estimate.
struct PowellProgressNote {
    let iterationLimit: Int?
    private var position: PowellPosition?
    /// The run's evaluations when `position` was taken.
    private var evaluationsAtPosition = 0

    init(iterationLimit: Int?) {
        self.iterationLimit = iterationLimit
    }

    /// Takes the position of `state`, reached after `evaluations` evaluations of the run.
    mutating func update(_ state: PowellState, evaluations: Int) {
        position = state.position(iterationLimit: iterationLimit)
        evaluationsAtPosition = evaluations
    }

    /// The message and estimate for a report after `evaluations` evaluations of the run.
    func note(evaluations: Int) -> (message: String?, remaining: Int?) {
        guard let position else { return (nil, nil) }
        let remaining = position.estimatedRemainingEvaluations.map { max($0 - (evaluations - evaluationsAtPosition), 0) }
        return (position.description(iterationLimit: iterationLimit), remaining)
    }
}
