/// Least-squares parabola L(p) ≈ a·p² + b·p + c through sampled points, and its vertex
/// (LAPQ phase 2, Nahshan et al. 2021 §3.2: the loss of the Lp-optimal step vectors is nearly
/// quadratic in p, so its vertex p* is the starting point of the joint optimization).
///
/// Solved as numpy.polyfit(p, L, 2) does — a least-squares problem — here via the normal
/// equations on centred and scaled abscissas, which keeps them well conditioned for the small
/// grids used (10 points in [2, 4]). O(n).
///
/// When the fit is not convex (a ≤ 0) or its vertex lies outside the sampled range, the vertex is
/// not a trustworthy minimum; `choice` then falls back to the sampled p with the lowest loss.
public struct QuadraticFit: Sendable, Codable, Equatable {
    /// Coefficients of a·p² + b·p + c, highest power first (numpy.polyfit's order).
    public var a: Double
    public var b: Double
    public var c: Double
    public var sampledRange: ClosedRange<Double>

    public enum Choice: Sendable, Equatable {
        /// The vertex of a convex fit, inside the sampled range.
        case vertex(Double)
        /// The best sampled p, because the fit was not convex or its vertex fell outside.
        case bestSample(Double, reason: FallbackReason)

        public var p: Double {
            switch self {
            case .vertex(let p), .bestSample(let p, _): return p
            }
        }
    }

    public enum FallbackReason: String, Sendable, Codable, Equatable {
        case notConvex = "not convex"
        case vertexOutsideRange = "vertex outside the sampled range"
    }

    /// Fits the parabola to (points[i], losses[i]); needs at least three distinct points.
    public init(points: [Double], losses: [Double]) {
        precondition(points.count == losses.count, "points and losses differ in count")
        precondition(Set(points).count >= 3, "a parabola needs at least three distinct points")
        let lowest = points.min() ?? 0, highest = points.max() ?? 0
        let centre = (lowest + highest) / 2
        let scale = (highest - lowest) / 2
        let scaled = points.map { ($0 - centre) / scale }
        let (u2, u1, u0) = Self.solveNormalEquations(scaled, losses)
        // Undo the substitution u = (p − centre)/scale.
        a = u2 / (scale * scale)
        b = u1 / scale - 2 * u2 * centre / (scale * scale)
        c = u0 - u1 * centre / scale + u2 * centre * centre / (scale * scale)
        sampledRange = lowest...highest
    }

    /// The fitted value at p.
    public func value(at p: Double) -> Double { (a * p + b) * p + c }

    /// The vertex −b / 2a, or nil when a == 0.
    public var vertex: Double? { a == 0 ? nil : -b / (2 * a) }
    public var isConvex: Bool { a > 0 }

    /// The p to start from: the vertex when the fit is convex and the vertex is inside the
    /// sampled range, else the sampled p with the lowest loss.
    public func choice(points: [Double], losses: [Double]) -> Choice {
        if let vertex, isConvex, sampledRange.contains(vertex) { return .vertex(vertex) }
        let best = zip(points, losses).min { $0.1 < $1.1 }?.0 ?? sampledRange.lowerBound
        return .bestSample(best, reason: isConvex ? .vertexOutsideRange : .notConvex)
    }

    /// Least squares for y ≈ k2·u² + k1·u + k0 through the 3×3 normal equations.
    private static func solveNormalEquations(_ u: [Double], _ y: [Double]) -> (Double, Double, Double) {
        var powerSums = [Double](repeating: 0, count: 5)     // Σ u^0 … Σ u^4
        var moments = [Double](repeating: 0, count: 3)       // Σ y, Σ y·u, Σ y·u²
        for (x, value) in zip(u, y) {
            var power = 1.0
            for k in 0..<5 {
                powerSums[k] += power
                if k < 3 { moments[k] += value * power }
                power *= x
            }
        }
        let matrix = [[powerSums[4], powerSums[3], powerSums[2]],
                      [powerSums[3], powerSums[2], powerSums[1]],
                      [powerSums[2], powerSums[1], powerSums[0]]]
        let solution = solve3x3(matrix, [moments[2], moments[1], moments[0]])
        return (solution[0], solution[1], solution[2])
    }
}

/// Solves the 3×3 system M·x = r by Gaussian elimination with partial pivoting.
func solve3x3(_ matrix: [[Double]], _ rhs: [Double]) -> [Double] {
    var rows = zip(matrix, rhs).map { $0 + [$1] }
    for column in 0..<3 {
        let pivot = (column..<3).max { abs(rows[$0][column]) < abs(rows[$1][column]) } ?? column
        rows.swapAt(column, pivot)
        precondition(rows[column][column] != 0, "singular normal equations")
        for row in (column + 1)..<3 {
            let factor = rows[row][column] / rows[column][column]
            for k in column...3 { rows[row][k] -= factor * rows[column][k] }
        }
    }
    var solution = [Double](repeating: 0, count: 3)
    for row in stride(from: 2, through: 0, by: -1) {
        var sum = rows[row][3]
        for k in (row + 1)..<3 { sum -= rows[row][k] * solution[k] }
        solution[row] = sum / rows[row][row]
    }
    return solution
}
