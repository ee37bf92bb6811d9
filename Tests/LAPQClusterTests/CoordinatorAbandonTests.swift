import LAPQCalibration
import LAPQData
import LAPQEngine
import XCTest
@testable import LAPQCluster

/// An evaluation the caller gave up on (its wait timed out) is closed: the workers computing it
/// are sent CANCEL and stop, and the next evaluation runs exactly.
final class CoordinatorAbandonTests: XCTestCase {
    let vectors: [StepVector] = [[0.5, 0.125]]

    func testAbandoningTheOpenEvaluationCancelsItsJobsAndTheRunGoesOn() throws {
        let simulation = ClusterSimulation(shardCount: 4, seed: 3)
        let worker = simulation.addWorker("w")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.workers[worker]?.job != nil })
        simulation.workers[worker]?.stalled = true   // evaluation 1 will not finish by itself
        simulation.coordinatorEvent(.abandon(evaluationID: 1))
        XCTAssertNil(simulation.coordinator.activeEvaluationID)
        XCTAssertEqual(simulation.coordinator.counters.abandonedEvaluations, 1)
        XCTAssertTrue(simulation.run { simulation.cancelledJobs == 1 }, "the worker is told to stop")
        simulation.workers[worker]?.stalled = false

        simulation.evaluate(EvaluationRequest(id: 2, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        let expected = Dictionary(uniqueKeysWithValues: (0..<4).map { id in (id, vectors.map { ClusterSimulation.score(shard: id, vector: $0) }) })
        XCTAssertEqual(simulation.completed.map(\.evaluationID), [2])
        XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expected))
        XCTAssertTrue(simulation.failed.isEmpty)
    }

    func testAbandoningAnEvaluationStillWaitingForWorkersForgetsIt() {
        let simulation = ClusterSimulation(shardCount: 2, seed: 4)
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertEqual(simulation.coordinator.activeEvaluationID, 1)
        simulation.coordinatorEvent(.abandon(evaluationID: 1))
        XCTAssertNil(simulation.coordinator.activeEvaluationID)
        simulation.addWorker("late")
        XCTAssertTrue(simulation.run(maxSteps: 2000) { simulation.coordinator.workers.count == 1 })
        XCTAssertFalse(simulation.run(maxSteps: 2000) { !simulation.completed.isEmpty },
                       "the forgotten evaluation does not start when a worker joins")
    }
}
