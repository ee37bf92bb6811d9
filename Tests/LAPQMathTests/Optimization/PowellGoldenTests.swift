import LAPQMath
import XCTest

/// Powell's method against scipy.optimize.minimize(method="Powell") on the golden problems.
/// The objectives are bit-identical twins of the Python ones and every arithmetic step follows
/// scipy's order, so x, f, nfev, nit and the final directions are compared exactly.
final class PowellGoldenTests: XCTestCase {
    func testPowellMatchesScipy() throws {
        let golden = try loadGolden("optimizer-powell", as: OptimizerGoldens.Powell.self)
        XCTAssertGreaterThanOrEqual(golden.cases.count, 8)
        for entry in golden.cases {
            let objective = OptimizerTestFunctions.objective(named: entry.function, entry.parameters)
            let options = PowellOptions(xTolerance: entry.xtol, fTolerance: entry.ftol, maxIterations: entry.maxiter,
                                        maxEvaluations: entry.maxfev, initialDirections: entry.direc)
            let result = try minimizePowell(start: entry.x0, options: options, callback: { progress in
                progress.iteration >= (entry.stopAfter ?? .max) ? .stop : .proceed
            }, objective: objective)
            XCTAssertEqual(result.x, entry.x, entry.name)
            XCTAssertEqual(result.value, entry.fun, entry.name)
            XCTAssertEqual(result.evaluations, expectedEvaluations(entry), entry.name)
            XCTAssertEqual(result.iterations, entry.nit, entry.name)
            XCTAssertEqual(result.directions, entry.finalDirec, entry.name)
            XCTAssertEqual(result.status, try scipyStatus(entry.status), entry.name)
        }
    }

    /// scipy's nfev, except where the evaluation limit falls inside a two-point batch (the
    /// initial pair of a bracket search): scipy evaluates the pair's first point, then aborts
    /// and discards it; lapq evaluates a batch only when all of it fits, so it stops one
    /// evaluation earlier at the same x and f (docs/algorithms-optimizers.md, "Intended
    /// differences").
    private func expectedEvaluations(_ entry: OptimizerGoldens.PowellCase) -> Int {
        entry.name == "rosenbrock-2d-maxfev-split-batch" ? entry.nfev - 1 : entry.nfev
    }

    private func scipyStatus(_ code: Int) throws -> PowellStatus {
        switch code {
        case 0: return .converged
        case 1: return .maxEvaluationsReached
        case 2: return .maxIterationsReached
        case 3: return .notANumber
        case 99: return .stoppedByCallback
        default: throw XCTSkip("unknown scipy status \(code)")
        }
    }
}
