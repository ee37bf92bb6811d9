import Foundation
import LAPQMath
import XCTest

/// Checkpointing: the state after any step, encoded and decoded, resumes to the same result
/// bit for bit; a step whose objective throws leaves the state as it was.
final class PowellResumeTests: XCTestCase {
    /// A problem whose run replaces directions (non-diagonal quadratic, rotated start
    /// directions) and one with many variables.
    private func problems() throws -> [(start: [Double], options: PowellOptions, objective: ([Double]) -> Double)] {
        let golden = try loadGolden("optimizer-powell", as: OptimizerGoldens.Powell.self)
        return try ["quadratic-5d-rotated-directions", "rosenbrock-10d", "partly-flat-3d"].map { name in
            let entry = try XCTUnwrap(golden.cases.first { $0.name == name }, name)
            let options = PowellOptions(initialDirections: entry.direc)
            return (entry.x0, options, OptimizerTestFunctions.objective(named: entry.function, entry.parameters))
        }
    }

    func testResumingFromAnySavedStateGivesTheIdenticalResult() throws {
        for problem in try problems() {
            var trace: [[Double]] = []
            let reference = try minimizePowell(start: problem.start, options: problem.options) { x in
                trace.append(x)
                return problem.objective(x)
            }
            let dimension = problem.start.count
            for stepsBeforeStop in [1, dimension - 1, dimension, dimension + 1, 3 * dimension + 2] {
                var first = try PowellMinimizer(start: problem.start, options: problem.options,
                                                objective: problem.objective)
                for _ in 0..<stepsBeforeStop { try first.step(objective: problem.objective) }
                let checkpoint = try JSONEncoder().encode(Checkpoint(state: first.state, options: first.options))
                let restored = try JSONDecoder().decode(Checkpoint.self, from: checkpoint)
                XCTAssertEqual(restored.state, first.state)

                var resumedTrace: [[Double]] = []
                var resumed = PowellMinimizer(resumingFrom: restored.state, options: restored.options)
                let result = try resumed.run(batchObjective: { points in
                    resumedTrace += points
                    return points.map(problem.objective)
                })
                XCTAssertEqual(result, reference, "stopped after \(stepsBeforeStop) steps")
                XCTAssertEqual(resumedTrace, Array(trace.suffix(resumedTrace.count)),
                               "the resumed run evaluates the same points as the tail of the uninterrupted one")
                XCTAssertEqual(first.state.evaluations + resumedTrace.count, reference.evaluations)
            }
        }
    }

    func testEachStepIsOneLineSearchAndTheStateSaysWhichComesNext() throws {
        let objective = OptimizerTestFunctions.rosenbrock
        var minimizer = try PowellMinimizer(start: [-1.2, 1, 0.5], objective: objective)
        var phases: [PowellPhase] = []
        var iterations: [Int] = []
        _ = try minimizer.run(afterStep: { state in
            phases.append(state.phase)
            iterations.append(state.iteration)
        }, batchObjective: { $0.map(objective) })
        XCTAssertEqual(Array(phases.prefix(7)), [
            .lineSearch(direction: 1), .lineSearch(direction: 2), .extrapolation,
            .lineSearch(direction: 0), .lineSearch(direction: 1), .lineSearch(direction: 2), .extrapolation,
        ])
        XCTAssertEqual(Array(iterations.prefix(7)), [0, 0, 1, 1, 1, 1, 2])
        XCTAssertEqual(phases.last, .finished(.converged))
    }

    func testAStepWhoseObjectiveThrowsLeavesTheStateForARetry() throws {
        struct LossUnavailable: Error {}
        let objective = OptimizerTestFunctions.rosenbrock
        let reference = try minimizePowell(start: [-1.2, 1], objective: objective)
        var minimizer = try PowellMinimizer(start: [-1.2, 1], objective: objective)
        var failures = 0
        var completedSteps = 0
        var failedStep = -1
        while minimizer.result == nil {
            let before = minimizer.state
            // The first attempt at every third step fails on its 5th evaluation (mid line
            // search); the retry succeeds.
            let failsNow = completedSteps % 3 == 0 && failedStep != completedSteps
            var calls = 0
            do {
                try minimizer.step(objective: { x in
                    calls += 1
                    if failsNow && calls == 5 { throw LossUnavailable() }
                    return objective(x)
                })
                completedSteps += 1
            } catch is LossUnavailable {
                failures += 1
                failedStep = completedSteps
                XCTAssertEqual(minimizer.state, before)
            }
        }
        XCTAssertGreaterThan(failures, 3)
        XCTAssertEqual(minimizer.result, reference)
    }

    private struct Checkpoint: Codable {
        var state: PowellState
        var options: PowellOptions
    }
}
