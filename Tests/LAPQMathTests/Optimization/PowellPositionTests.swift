import LAPQMath
import XCTest

/// `PowellState.position`: which step a run is on, and how many evaluations it has left.
final class PowellPositionTests: XCTestCase {
    /// Rosenbrock in `dimension` variables from a start far from the minimum, so that every
    /// iteration up to `iterations` runs (no f-tolerance stop), with each state seen after a step.
    private func run(dimension: Int, iterations: Int) throws -> (states: [PowellState], total: Int) {
        let objective = OptimizerTestFunctions.rosenbrock
        let start = (0..<dimension).map { $0.isMultiple(of: 2) ? -1.2 : 1.0 }
        var minimizer = try PowellMinimizer(start: start, options: PowellOptions(maxIterations: iterations),
                                            objective: objective)
        var states = [minimizer.state]
        let result = try minimizer.run(afterStep: { states.append($0) }, batchObjective: { $0.map(objective) })
        XCTAssertEqual(result.status, .maxIterationsReached, "the test needs every iteration to run")
        return (states, result.evaluations)
    }

    func testEveryStepAdvancesThePositionByOneAndTheLastIsTheRunsLength() throws {
        let (dimension, iterations) = (4, 3)
        let states = try run(dimension: dimension, iterations: iterations).states
        let positions = states.map { $0.position(iterationLimit: iterations) }
        XCTAssertEqual(positions.map(\.stepsDone), Array(0..<positions.count))
        // I·N line searches and an extrapolation between two iterations.
        XCTAssertEqual(positions.last?.stepsDone, iterations * (dimension + 1) - 1)
        XCTAssertEqual(positions.last?.estimatedRemainingEvaluations, 0)
        XCTAssertNil(positions[0].estimatedRemainingEvaluations, "nothing to average before the first step")

        let descriptions = positions.dropLast().map { $0.description(iterationLimit: iterations) }
        XCTAssertEqual(Array(descriptions.prefix(6)), [
            "iteration 1 of 3, line search 1 of 4", "iteration 1 of 3, line search 2 of 4",
            "iteration 1 of 3, line search 3 of 4", "iteration 1 of 3, line search 4 of 4",
            "iteration 1 of 3, extrapolation", "iteration 2 of 3, line search 1 of 4",
        ])
        XCTAssertEqual(descriptions.last, "iteration 3 of 3, line search 4 of 4")
        XCTAssertEqual(positions[2].description(iterationLimit: nil), "iteration 1, line search 3 of 4")
    }

    /// The estimate (the mean cost of the steps done times the steps left) is within a quarter
    /// of the run's evaluations of what is actually left, from the end of the first sweep on.
    func testTheEstimateTracksTheEvaluationsActuallyLeft() throws {
        let (dimension, iterations) = (6, 3)
        let (states, total) = try run(dimension: dimension, iterations: iterations)
        for state in states.dropFirst(dimension + 1) {
            let estimate = try XCTUnwrap(state.position(iterationLimit: iterations).estimatedRemainingEvaluations)
            let actual = total - state.evaluations
            XCTAssertEqual(Double(estimate), Double(actual), accuracy: 0.25 * Double(total),
                           "after \(state.evaluations) of \(total) evaluations")
        }
        XCTAssertNil(states[3].position(iterationLimit: nil).estimatedRemainingEvaluations,
                     "no estimate without an iteration limit")
    }
}
