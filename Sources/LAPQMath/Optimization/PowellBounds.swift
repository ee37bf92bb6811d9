/// Per-variable bounds lower[i] ≤ x[i] ≤ upper[i] for Powell's method (scipy's `bounds`; ±∞
/// for a side without one). Powell clamps each line search to the box (docs/algorithms.md,
/// "Bounds"), so a bound that is never reached changes nothing.
public struct PowellBounds: Sendable, Equatable, Codable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `point` lies in the box.
    public func contains(_ point: [Double]) -> Bool {
        point.indices.allSatisfy { lower[$0] <= point[$0] && point[$0] <= upper[$0] }
    }

    /// The α range [αmin, αmax] with lower ≤ point + α·direction ≤ upper, as scipy's
    /// `_line_for_search`: over the non-zero components, the largest lower end and the smallest
    /// upper end; (0, 0) when the range is empty. (−∞, ∞) for a zero direction.
    func lineInterval(from point: [Double], along direction: [Double]) -> (lower: Double, upper: Double) {
        var lowest = -Double.infinity, highest = Double.infinity
        for index in direction.indices where direction[index] != 0 {
            let toLower = (lower[index] - point[index]) / direction[index]
            let toUpper = (upper[index] - point[index]) / direction[index]
            let (start, end) = direction[index] > 0 ? (toLower, toUpper) : (toUpper, toLower)
            lowest = nanPropagatingMaximum(lowest, start)
            highest = nanPropagatingMinimum(highest, end)
        }
        return highest >= lowest ? (lowest, highest) : (0, 0)
    }

    /// Checks the bounds against the dimension; a programmer error otherwise.
    func validate(dimension: Int) {
        precondition(lower.count == dimension && upper.count == dimension,
                     "bounds must have \(dimension) lower and upper values")
        precondition(zip(lower, upper).allSatisfy { !$0.isNaN && !$1.isNaN && $0 <= $1 },
                     "every lower bound must be <= its upper bound, and neither NaN")
    }
}

/// np.max's pairwise rule: NaN wins.
private func nanPropagatingMaximum(_ lhs: Double, _ rhs: Double) -> Double {
    lhs.isNaN || rhs.isNaN ? .nan : max(lhs, rhs)
}

/// np.min's pairwise rule: NaN wins.
private func nanPropagatingMinimum(_ lhs: Double, _ rhs: Double) -> Double {
    lhs.isNaN || rhs.isNaN ? .nan : min(lhs, rhs)
}
