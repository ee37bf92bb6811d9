import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// A worker that finds a shard's input cannot be evaluated (the data or the model is at fault)
/// answers `rejected`; the coordinator stops the evaluation at once, naming the reason, rather
/// than retrying the same input on every worker `maxAttempts` times.
final class RejectedInputTests: XCTestCase {
    func testARejectedShardFailsTheEvaluationAtOnceWithTheReason() throws {
        let simulation = ClusterSimulation(shardCount: 4, seed: 6) { $0.minWorkers = 2 }
        simulation.addWorker("a")
        simulation.addWorker("b")
        simulation.shardsToReject = [2]
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores([[0.5, 0.25]])))
        XCTAssertTrue(simulation.run { !simulation.failed.isEmpty })
        let failure = try XCTUnwrap(simulation.failed.first)
        XCTAssertEqual(failure.shardID, 2)
        XCTAssertEqual(failure.attempts, 1, "not retried on the other worker")
        XCTAssertTrue(failure.inputRejected)
        XCTAssertTrue(failure.description.contains("cannot be evaluated on any worker"), failure.description)
        XCTAssertTrue(failure.description.contains("simulated NaN"), failure.description)
        XCTAssertNil(simulation.coordinator.activeEvaluationID)
        XCTAssertTrue(simulation.completed.isEmpty)
    }

    func testTheWorkerTellsFaultsOfTheInputFromItsOwnTrouble() {
        XCTAssertTrue(WorkerComputeQueue.isFaultOfTheInput(ExecutionError.nonFinite(node: "relu1", tensor: "x")))
        XCTAssertTrue(WorkerComputeQueue.isFaultOfTheInput(WorkerError.shardSize(id: 1, expected: 8, got: 7)))
        XCTAssertTrue(WorkerComputeQueue.isFaultOfTheInput(CalibrationDataError.nonFiniteImage(source: "shard 3", sample: 5, value: .nan)))
        XCTAssertFalse(WorkerComputeQueue.isFaultOfTheInput(ExecutionError.kernel(node: "conv", message: "out of memory")))
        XCTAssertFalse(WorkerComputeQueue.isFaultOfTheInput(WorkerError.missingShard(id: 1)))
        XCTAssertFalse(WorkerComputeQueue.isFaultOfTheInput(ClusterError.evaluationFailed("no model loaded")))
    }
}
