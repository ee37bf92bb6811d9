import LAPQMath
import XCTest

/// `reusesCurrentValue` saves the re-evaluation of f(x) at α = 0 of every line search and
/// must otherwise follow scipy's trajectory exactly.
final class PowellReuseTests: XCTestCase {
    func testReusingTheCurrentValueKeepsScipysTrajectoryWithFewerEvaluations() throws {
        let golden = try loadGolden("optimizer-powell", as: OptimizerGoldens.Powell.self)
        let unlimited = golden.cases.filter { $0.maxfev == nil && $0.maxiter == nil && $0.stopAfter == nil }
        XCTAssertGreaterThanOrEqual(unlimited.count, 5)
        for entry in unlimited {
            let objective = OptimizerTestFunctions.objective(named: entry.function, entry.parameters)
            var options = PowellOptions(xTolerance: entry.xtol, fTolerance: entry.ftol, initialDirections: entry.direc)
            var pairs = 0
            let scipyLike = try minimizePowell(start: entry.x0, options: options, batchObjective: { points in
                if points.count == 2 { pairs += 1 }
                return points.map(objective)
            })
            options.reusesCurrentValue = true
            var batchSizes: Set<Int> = []
            let reusing = try minimizePowell(start: entry.x0, options: options, batchObjective: { points in
                batchSizes.insert(points.count)
                return points.map(objective)
            })
            XCTAssertEqual(batchSizes, [1], entry.name)
            XCTAssertEqual(reusing.x, entry.x, entry.name)
            XCTAssertEqual(reusing.value, entry.fun, entry.name)
            XCTAssertEqual(reusing.iterations, entry.nit, entry.name)
            XCTAssertEqual(reusing.directions, entry.finalDirec, entry.name)
            XCTAssertEqual(scipyLike.evaluations, entry.nfev, entry.name)
            XCTAssertEqual(reusing.evaluations, entry.nfev - pairs, entry.name)
        }
    }
}
