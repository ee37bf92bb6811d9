import LAPQMath
import XCTest

/// Batching, bounds and error paths of the one-dimensional methods.
final class ScalarMinimizerBehaviorTests: XCTestCase {
    private let square = { (x: Double) in (x - 1.0) * (x - 1.0) }

    func testBracketEvaluatesTheTwoStartPointsAsOneBatch() throws {
        var batches: [[Double]] = []
        let found = try bracketMinimum(from: 5, 6, batchObjective: { points in
            batches.append(points)
            return points.map(self.square)
        })
        XCTAssertEqual(batches.first, [5, 6])
        XCTAssertTrue(batches.dropFirst().allSatisfy { $0.count == 1 })
        XCTAssertEqual(found, try bracketMinimum(from: 5, 6, square))
        XCTAssertTrue(found.bracket.isValid)
    }

    func testBracketGivesUpAfterTheIterationLimit() {
        XCTAssertThrowsError(try bracketMinimum(from: 0, 1, maxIterations: 0) { x in (x - 1e6) * (x - 1e6) }) {
            XCTAssertEqual($0 as? OptimizationError, .bracketIterationLimitReached(maxIterations: 0))
        }
    }

    func testBrentWithAGivenBracketEvaluatesItInOneBatch() throws {
        var batches: [[Double]] = []
        let minimum = try minimizeScalarBrent(start: .bracket(2, 0.5, -1), batchObjective: { points in
            batches.append(points)
            return points.map(self.square)
        })
        XCTAssertEqual(batches.first, [-1, 0.5, 2])
        XCTAssertEqual(minimum.x, 1, accuracy: 1e-8)
        XCTAssertTrue(minimum.converged)
    }

    func testBrentRejectsABadBracket() {
        XCTAssertThrowsError(try minimizeScalarBrent(start: .bracket(0, 3, 2), square)) {
            XCTAssertEqual($0 as? OptimizationError, .bracketNotOrdered(0, 3, 2))
        }
        XCTAssertThrowsError(try minimizeScalarBrent(start: .bracket(2, 3, 4), square)) {
            XCTAssertEqual($0 as? OptimizationError, .bracketNotDescending(
                Bracket(xa: 2, xb: 3, xc: 4, fa: 1, fb: 4, fc: 9)))
        }
        XCTAssertThrowsError(try minimizeScalarBrent(start: .search(0, 1)) { _ in 3.0 }) {
            guard case .bracketNotFound(_, evaluations: 3)? = $0 as? OptimizationError else {
                return XCTFail("expected bracketNotFound, got \($0)")
            }
        }
    }

    func testBoundedStaysInsideTheBoundsAndRethrows() throws {
        struct Unavailable: Error {}
        var evaluated: [Double] = []
        let minimum = minimizeScalarBounded(lowerBound: 0.25, upperBound: 0.75) { x in
            evaluated.append(x)
            return -x
        }
        XCTAssertTrue(evaluated.allSatisfy { (0.25...0.75).contains($0) })
        XCTAssertEqual(minimum.x, 0.75, accuracy: 1e-5)
        XCTAssertEqual(minimum.evaluations, evaluated.count)
        XCTAssertThrowsError(try minimizeScalarBounded(lowerBound: 0, upperBound: 1) { x in
            if x > 0.5 { throw Unavailable() }
            return x
        }) { XCTAssertTrue($0 is Unavailable) }
    }
}
