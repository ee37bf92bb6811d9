/// Failures of the optimizers in this folder that depend on the objective function's values,
/// so the caller can only learn them at run time. Invalid arguments (a negative tolerance,
/// bounds out of order) are programmer errors and stop with a `precondition` instead.
public enum OptimizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A caller-supplied bracket (xa, xb, xc) is not strictly ordered, xa < xb < xc after the
    /// swap that puts the smaller end first.
    case bracketNotOrdered(Double, Double, Double)
    /// A caller-supplied, ordered bracket whose middle value is not below both ends.
    case bracketNotDescending(Bracket)
    /// The downhill search ended on three points that do not bracket a minimum (the function
    /// is flat or decreasing without bound along the line, or produced NaN or ±∞ abscissae).
    /// Carries the last three points and the evaluations spent.
    case bracketNotFound(Bracket, evaluations: Int)
    /// The downhill search grew the interval more than `maxIterations` times.
    case bracketIterationLimitReached(maxIterations: Int)
    /// A batched objective answered `received` values for `expected` points.
    case objectiveValueCountMismatch(expected: Int, received: Int)

    public var description: String {
        switch self {
        case let .bracketNotOrdered(xa, xb, xc):
            return "bracket (\(xa), \(xb), \(xc)) is not ordered xa < xb < xc"
        case let .bracketNotDescending(bracket):
            return "bracket middle value f(\(bracket.xb)) = \(bracket.fb) is not below both ends "
                + "f(\(bracket.xa)) = \(bracket.fa), f(\(bracket.xc)) = \(bracket.fc)"
        case let .bracketNotFound(bracket, evaluations):
            return "no valid bracket found after \(evaluations) evaluations; last points "
                + "(\(bracket.xa), \(bracket.xb), \(bracket.xc)) with values "
                + "(\(bracket.fa), \(bracket.fb), \(bracket.fc)); try other initial points"
        case let .bracketIterationLimitReached(maxIterations):
            return "no bracket found within \(maxIterations) growth steps; "
                + "try other initial points or a larger iteration limit"
        case let .objectiveValueCountMismatch(expected, received):
            return "batched objective returned \(received) values for \(expected) points"
        }
    }
}

/// Checks that a batched objective answered one value per point.
func checkedValues(_ values: [Double], pointCount: Int) throws -> [Double] {
    guard values.count == pointCount else {
        throw OptimizationError.objectiveValueCountMismatch(expected: pointCount, received: values.count)
    }
    return values
}
