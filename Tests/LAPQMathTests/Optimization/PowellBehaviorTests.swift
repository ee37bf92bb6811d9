import LAPQMath
import XCTest

/// Callback, limits, batching and error paths of Powell's method.
final class PowellBehaviorTests: XCTestCase {
    private let rosenbrock = OptimizerTestFunctions.rosenbrock

    func testCallbackSeesEveryIterationAndCanStop() throws {
        var seen: [PowellProgress] = []
        var evaluations = 0
        let result = try minimizePowell(start: [-1.2, 1], callback: { progress in
            seen.append(progress)
            return progress.iteration == 4 ? .stop : .proceed
        }, objective: { x in
            evaluations += 1
            return self.rosenbrock(x)
        })
        XCTAssertEqual(seen.map(\.iteration), [1, 2, 3, 4])
        XCTAssertEqual(result.status, .stoppedByCallback)
        XCTAssertFalse(result.converged)
        XCTAssertEqual(result.iterations, 4)
        XCTAssertEqual(seen.last?.x, result.x)
        XCTAssertEqual(seen.last?.value, result.value)
        XCTAssertEqual(seen.last?.evaluations, evaluations)
        XCTAssertEqual(result.evaluations, evaluations)
        XCTAssertEqual(zip(seen, seen.dropFirst()).filter { $1.value > $0.value }.count, 0, "f never increases")
    }

    /// The evaluation limit is never exceeded, and a run stopped by it holds the point of the
    /// last completed line search.
    func testEvaluationLimitIsNeverExceeded() throws {
        for limit in [1, 2, 3, 4, 10, 37, 64, 100, 250] {
            var evaluations = 0
            let result = try minimizePowell(start: [-1.2, 1], options: PowellOptions(maxEvaluations: limit)) { x in
                evaluations += 1
                return self.rosenbrock(x)
            }
            XCTAssertLessThanOrEqual(evaluations, limit, "limit \(limit)")
            XCTAssertEqual(result.evaluations, evaluations, "limit \(limit)")
            XCTAssertEqual(result.status, .maxEvaluationsReached, "limit \(limit)")
            XCTAssertEqual(result.value, rosenbrock(result.x), "limit \(limit)")
        }
    }

    /// A limit that leaves room for the start point but not for the first bracket's pair
    /// stops before evaluating anything else (scipy would evaluate and discard one point).
    func testLimitInsideABatchStopsBeforeTheBatch() throws {
        var evaluated: [[Double]] = []
        let result = try minimizePowell(start: [-1.2, 1], options: PowellOptions(maxEvaluations: 2)) { x in
            evaluated.append(x)
            return self.rosenbrock(x)
        }
        XCTAssertEqual(evaluated, [[-1.2, 1]])
        XCTAssertEqual(result.evaluations, 1)
        XCTAssertEqual(result.x, [-1.2, 1])
        XCTAssertEqual(result.status, .maxEvaluationsReached)
    }

    func testIterationLimit() throws {
        let result = try minimizePowell(start: [-1.2, 1], options: PowellOptions(maxIterations: 2),
                                        objective: rosenbrock)
        XCTAssertEqual(result.iterations, 2)
        XCTAssertEqual(result.status, .maxIterationsReached)
    }

    func testBatchedObjectiveGetsTheBracketPairsAndGivesTheSameResult() throws {
        var batchSizes: [Int] = []
        let batched = try minimizePowell(start: [-1.2, 1], batchObjective: { points in
            batchSizes.append(points.count)
            return points.map(self.rosenbrock)
        })
        let single = try minimizePowell(start: [-1.2, 1], objective: rosenbrock)
        XCTAssertEqual(batched, single)
        XCTAssertEqual(batchSizes.reduce(0, +), single.evaluations)
        XCTAssertEqual(Set(batchSizes), [1, 2])
        // One pair per line search: N per iteration plus the accepted extrapolations.
        XCTAssertGreaterThanOrEqual(batchSizes.filter { $0 == 2 }.count, 2 * single.iterations)
    }

    func testWrongValueCountIsAnError() throws {
        XCTAssertThrowsError(try minimizePowell(start: [1, 2], batchObjective: { points in
            points.count == 1 ? [0] : [0]
        })) { error in
            XCTAssertEqual(error as? OptimizationError, .objectiveValueCountMismatch(expected: 2, received: 1))
        }
    }

    /// A NaN objective cannot be bracketed; every line search falls back to NaN and the run
    /// stops after one iteration, as scipy's does.
    func testNaNObjectiveStopsWithNotANumber() throws {
        let result = try minimizePowell(start: [1, 2, 3]) { _ in .nan }
        XCTAssertEqual(result.status, .notANumber)
        XCTAssertEqual(result.iterations, 1)
        XCTAssertEqual(result.evaluations, 1 + 3 * 3)
        XCTAssertTrue(result.value.isNaN)
    }

    func testFlatDirectionIsLeftAlone() throws {
        // f does not depend on x1: the bracket search along e2 fails and x1 must stay put.
        let result = try minimizePowell(start: [0, 0.5, 1], objective: OptimizerTestFunctions.partlyFlat)
        XCTAssertEqual(result.x[1], 0.5)
        XCTAssertEqual(result.value, 0, accuracy: 1e-12)
        XCTAssertTrue(result.converged)
    }

    func testDefaultLimitsFollowScipy() {
        XCTAssertTrue(PowellOptions().resolvedLimits(dimension: 7) == (7000, 7000))
        XCTAssertTrue(PowellOptions(maxIterations: 5).resolvedLimits(dimension: 7) == (5, Int.max))
        XCTAssertTrue(PowellOptions(maxEvaluations: 9).resolvedLimits(dimension: 7) == (Int.max, 9))
    }
}
