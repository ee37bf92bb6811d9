import Foundation

/// Swift twins of the objectives in Scripts/goldens/optimizer_goldens.py, with the same
/// operation order, so both sides compute bit-identical values (Swift, like CPython, rounds
/// every operation and never fuses a multiply-add; exp and cos come from the same libm).
enum OptimizerTestFunctions {
    struct Parameters: Decodable, Equatable {
        var matrix: [[Double]]?
        var center: [Double]?
        var offset: Double?
        var weight: Double?
    }

    /// The N-dimensional objective named `name` in the goldens.
    static func objective(named name: String, _ parameters: Parameters) -> ([Double]) -> Double {
        switch name {
        case "rosenbrock": return rosenbrock
        case "quadratic": return { quadratic($0, parameters) }
        case "absolute": return { absolute($0, parameters) }
        case "partlyFlat": return partlyFlat
        default: preconditionFailure("unknown test function \(name)")
        }
    }

    /// Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)², left to right.
    static func rosenbrock(_ x: [Double]) -> Double {
        var total = 0.0
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1.0 - x[i]
            total = total + 100.0 * (a * a) + b * b
        }
        return total
    }

    /// ½ (x − c)ᵀ A (x − c) + offset.
    static func quadratic(_ x: [Double], _ parameters: Parameters) -> Double {
        guard let matrix = parameters.matrix, let center = parameters.center, let offset = parameters.offset else {
            preconditionFailure("quadratic needs matrix, center and offset")
        }
        let d = zip(x, center).map { $0 - $1 }
        var total = 0.0
        for (i, row) in matrix.enumerated() {
            var rowSum = 0.0
            for (j, entry) in row.enumerated() { rowSum = rowSum + entry * d[j] }
            total = total + d[i] * rowSum
        }
        return 0.5 * total + offset
    }

    /// Σ |x_i − c_i| + w·x_i².
    static func absolute(_ x: [Double], _ parameters: Parameters) -> Double {
        guard let center = parameters.center, let weight = parameters.weight else {
            preconditionFailure("absolute needs center and weight")
        }
        var total = 0.0
        for i in x.indices { total = total + abs(x[i] - center[i]) + weight * (x[i] * x[i]) }
        return total
    }

    /// (x0 − 2)² + (x0 − x2)², independent of x1.
    static func partlyFlat(_ x: [Double]) -> Double {
        let a = x[0] - 2.0
        let b = x[0] - x[2]
        return a * a + b * b
    }

    /// The one-dimensional function named `name` in the goldens.
    static func scalar(named name: String) -> (Double) -> Double {
        switch name {
        case "shiftedSquare": return { x in (x - 1.0) * (x - 1.0) }
        case "quartic": return { x in x * x * x * x - 3.0 * (x * x * x) + 2.0 }
        case "expLinear": return { x in exp(x) - 4.0 * x }
        case "kink": return { x in abs(x - 0.3) + 0.1 * (x * x) }
        case "cosine": return { x in cos(x) }
        case "line": return { x in 1.0 - 2.0 * x }
        case "constant": return { _ in 3.0 }
        default: preconditionFailure("unknown scalar test function \(name)")
        }
    }
}
