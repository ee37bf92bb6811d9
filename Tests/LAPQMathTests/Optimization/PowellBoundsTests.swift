import LAPQMath
import XCTest

/// Bounded Powell: the clamped line search against scipy's Powell with that line search
/// (Scripts/goldens/optimizer_goldens.py), and the properties docs/algorithms.md promises.
final class PowellBoundsTests: XCTestCase {
    func testBoundedPowellMatchesScipyWithTheClampedLineSearch() throws {
        let golden = try loadGolden("optimizer-powell-bounded", as: OptimizerGoldens.Powell.self)
        XCTAssertGreaterThanOrEqual(golden.cases.count, 6)
        for entry in golden.cases {
            let bounds = PowellBounds(lower: try XCTUnwrap(entry.lower).map(\.value),
                                      upper: try XCTUnwrap(entry.upper).map(\.value))
            let result = try minimizePowell(start: entry.x0, options: options(entry, bounds: bounds),
                                            objective: OptimizerTestFunctions.objective(named: entry.function, entry.parameters))
            XCTAssertEqual(result.x, entry.x, entry.name)
            XCTAssertEqual(result.value, entry.fun, entry.name)
            XCTAssertEqual(result.evaluations, entry.nfev, entry.name)
            XCTAssertEqual(result.iterations, entry.nit, entry.name)
            XCTAssertEqual(result.directions, entry.finalDirec, entry.name)
            XCTAssertTrue(bounds.contains(result.x), entry.name)
        }
    }

    /// Bounds that are never reached change nothing: every unbounded scipy case, bit for bit.
    func testUnreachedBoundsReproduceEveryUnboundedCase() throws {
        let golden = try loadGolden("optimizer-powell", as: OptimizerGoldens.Powell.self)
        for entry in golden.cases where entry.stopAfter == nil && entry.name != "rosenbrock-2d-maxfev-split-batch" {
            let far = PowellBounds(lower: entry.x0.map { _ in -1e6 }, upper: entry.x0.map { _ in 1e6 })
            let objective = OptimizerTestFunctions.objective(named: entry.function, entry.parameters)
            let result = try minimizePowell(start: entry.x0, options: options(entry, bounds: far), objective: objective)
            XCTAssertEqual(result.x, entry.x, entry.name)
            XCTAssertEqual(result.value, entry.fun, entry.name)
            XCTAssertEqual(result.evaluations, entry.nfev, entry.name)
            XCTAssertEqual(result.directions, entry.finalDirec, entry.name)
        }
    }

    /// A line search never ends above its start, every evaluated point is in the box (up to the
    /// rounding of x + α·d), and the point beyond a bound is evaluated once per line search.
    func testEvaluationsStayInTheBoxAndEndsAreEvaluatedOnce() throws {
        let bounds = PowellBounds(lower: [0.1, 0.1], upper: [1.5, 2.0])
        var seen: [[Double]] = []
        // Falls without limit along x0: every search along it runs into the upper bound.
        let objective = { (x: [Double]) -> Double in
            seen.append(x)
            return -3 * x[0] + (x[1] - 1.2) * (x[1] - 1.2) + 0.5 * x[0] * x[1]
        }
        var minimizer = try PowellMinimizer(start: [1, 1], options: PowellOptions(maxIterations: 4, bounds: bounds),
                                            objective: objective)
        while minimizer.result == nil {
            let before = (value: minimizer.state.value, evaluated: seen.count, phase: minimizer.state.phase,
                          atBound: minimizer.state.x[0] == 1.5)
            try minimizer.step(objective: objective)
            if case .lineSearch = before.phase { XCTAssertLessThanOrEqual(minimizer.state.value, before.value) }
            for point in seen[before.evaluated...] {
                for index in point.indices {
                    XCTAssertGreaterThanOrEqual(point[index], bounds.lower[index] - 1e-12)
                    XCTAssertLessThanOrEqual(point[index], bounds.upper[index] + 1e-12)
                }
            }
            if case .lineSearch(direction: 0) = before.phase {
                let atBound = seen[before.evaluated...].filter { $0[0] == 1.5 }
                // Once as the end; once more as α = 0 when the search starts on the bound.
                XCTAssertLessThanOrEqual(atBound.count, before.atBound ? 2 : 1, "the end is evaluated once per line search")
            }
        }
        let result = try XCTUnwrap(minimizer.result)
        XCTAssertEqual(result.x[0], 1.5)
        XCTAssertEqual(result.x[1], 1.2 - 0.375, accuracy: 1e-3)
    }

    func testResumedBoundedRunEndsOnTheSameResult() throws {
        let bounds = PowellBounds(lower: [-1.5, 0], upper: [0.5, 2])
        let options = PowellOptions(bounds: bounds)
        let uninterrupted = try minimizePowell(start: [-1.2, 1], options: options, objective: OptimizerTestFunctions.rosenbrock)
        var minimizer = try PowellMinimizer(start: [-1.2, 1], options: options, objective: OptimizerTestFunctions.rosenbrock)
        for _ in 0..<5 { try minimizer.step(objective: OptimizerTestFunctions.rosenbrock) }
        let saved = try JSONDecoder().decode(PowellState.self, from: JSONEncoder().encode(minimizer.state))
        let savedOptions = try JSONDecoder().decode(PowellOptions.self, from: JSONEncoder().encode(options))
        var resumed = PowellMinimizer(resumingFrom: saved, options: savedOptions)
        XCTAssertEqual(try resumed.run(batchObjective: { $0.map(OptimizerTestFunctions.rosenbrock) }), uninterrupted)
    }

    private func options(_ entry: OptimizerGoldens.PowellCase, bounds: PowellBounds) -> PowellOptions {
        PowellOptions(xTolerance: entry.xtol, fTolerance: entry.ftol, maxIterations: entry.maxiter,
                      maxEvaluations: entry.maxfev, initialDirections: entry.direc, bounds: bounds)
    }
}
