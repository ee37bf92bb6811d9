import LAPQMath
import XCTest

/// Bracket, Brent and bounded Brent against scipy. The objectives are bit-identical twins of
/// the Python ones, so the trajectories coincide and the results are compared exactly.
final class ScalarMinimizerGoldenTests: XCTestCase {
    func testBracketMatchesScipy() throws {
        let golden = try loadGolden("optimizer-bracket", as: OptimizerGoldens.Bracket.self)
        XCTAssertFalse(golden.cases.isEmpty)
        for entry in golden.cases {
            let f = OptimizerTestFunctions.scalar(named: entry.function)
            let label = "\(entry.function) from (\(entry.xa0), \(entry.xb0))"
            let expected = try XCTUnwrap(entry.bracket, label)
            do {
                let found = try bracketMinimum(from: entry.xa0, entry.xb0, f)
                XCTAssertNil(entry.error, label)
                XCTAssertEqual(values(found.bracket), expected, label)
                XCTAssertEqual(found.evaluations, entry.nfev, label)
            } catch let OptimizationError.bracketNotFound(bracket, evaluations) {
                XCTAssertEqual(entry.error, "BracketError", label)
                XCTAssertEqual(values(bracket), expected, label)
                XCTAssertEqual(evaluations, entry.nfev, label)
            }
        }
    }

    func testBrentMatchesScipy() throws {
        let golden = try loadGolden("optimizer-brent", as: OptimizerGoldens.Brent.self)
        XCTAssertFalse(golden.cases.isEmpty)
        for entry in golden.cases {
            let label = "\(entry.function) brack \(entry.brack.map(String.init(describing:)) ?? "nil")"
            let minimum = try minimizeScalarBrent(
                start: brentStart(entry.brack), relativeTolerance: entry.tol, maxIterations: entry.maxiter,
                OptimizerTestFunctions.scalar(named: entry.function))
            XCTAssertEqual(minimum.x, entry.x, label)
            XCTAssertEqual(minimum.value, entry.fun, label)
            XCTAssertEqual(minimum.iterations, entry.nit, label)
            XCTAssertEqual(minimum.evaluations, entry.nfev, label)
            XCTAssertEqual(minimum.converged, entry.nit.map { $0 < entry.maxiter }, label)
        }
    }

    func testBoundedMatchesScipy() throws {
        let golden = try loadGolden("optimizer-bounded", as: OptimizerGoldens.Bounded.self)
        XCTAssertFalse(golden.cases.isEmpty)
        for entry in golden.cases {
            let label = "\(entry.function) on \(entry.bounds)"
            let minimum = minimizeScalarBounded(
                lowerBound: entry.bounds[0], upperBound: entry.bounds[1], absoluteTolerance: entry.xatol,
                maxIterations: entry.maxiter, OptimizerTestFunctions.scalar(named: entry.function))
            XCTAssertEqual(minimum.x, entry.x, label)
            XCTAssertEqual(minimum.value, entry.fun, label)
            XCTAssertEqual(minimum.evaluations, entry.nfev, label)
            XCTAssertEqual(minimum.iterations, entry.nit, label)
            XCTAssertEqual(minimum.converged, entry.success, label)
        }
    }

    private func values(_ bracket: Bracket) -> [Double] {
        [bracket.xa, bracket.xb, bracket.xc, bracket.fa, bracket.fb, bracket.fc]
    }

    private func brentStart(_ brack: [Double]?) -> BrentStart {
        guard let brack else { return .search(0, 1) }
        return brack.count == 2 ? .search(brack[0], brack[1]) : .bracket(brack[0], brack[1], brack[2])
    }
}
