/// Thrown inside a Powell step when the next batch of evaluations would exceed the budget;
/// the step catches it and finishes with `PowellStatus.maxEvaluationsReached`.
struct EvaluationBudgetExhausted: Error {}

/// Counts objective evaluations against a limit, and is the one place where a batched
/// N-dimensional objective is called, so every evaluation is counted and checked.
///
/// A batch is evaluated only when all of it fits: `used + points.count ≤ limit`. scipy counts
/// point by point and aborts after evaluating the part of a batch that fits, discarding that
/// value; evaluating nothing instead saves an expensive evaluation whose result is never used
/// (see docs/algorithms-optimizers.md, "Intended differences").
struct EvaluationBudget {
    private(set) var used: Int
    let limit: Int

    init(used: Int, limit: Int) {
        self.used = used
        self.limit = limit
    }

    /// f at every point, in order. Throws `EvaluationBudgetExhausted` without calling the
    /// objective when the batch does not fit; rethrows the objective's own errors.
    mutating func evaluate(
        _ points: [[Double]], _ objective: ([[Double]]) throws -> [Double]
    ) throws -> [Double] {
        guard points.count <= limit - used else { throw EvaluationBudgetExhausted() }
        let values = try checkedValues(objective(points), pointCount: points.count)
        used += points.count
        return values
    }
}
