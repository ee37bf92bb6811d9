import LAPQCalibration
import LAPQData
import LAPQEngine
import XCTest
@testable import LAPQCluster

/// Shards follow measured throughput: a worker four times slower than its peer (same thread
/// count) ends up with about a fifth of the shards, and every evaluation stays exact.
final class ThroughputPlacementTests: XCTestCase {
    let vectors: [StepVector] = [[0.5, 0.125]]

    func testASlowWorkerGetsFewerShardsAndTheScoresStayExact() throws {
        let shardCount = 20
        let simulation = ClusterSimulation(shardCount: shardCount, seed: 9) { $0.minWorkers = 2 }
        let fast = simulation.addWorker("fast")
        let slow = simulation.addWorker("slow")
        simulation.workers[fast]?.millisecondsPerShard = 100
        simulation.workers[slow]?.millisecondsPerShard = 400
        let expected = Dictionary(uniqueKeysWithValues: (0..<shardCount).map { id in (id, vectors.map { ClusterSimulation.score(shard: id, vector: $0) }) })
        var fastShares: [Int] = []
        for id in 1...8 as ClosedRange<UInt64> {
            simulation.evaluate(EvaluationRequest(id: id, work: .scores(vectors)))
            XCTAssertTrue(simulation.run(maxSteps: 200_000) { simulation.completed.count == Int(id) }, "evaluation \(id)")
            XCTAssertEqual(simulation.completed.last?.answers, scoreAnswers(expected), "evaluation \(id)")
            fastShares.append(simulation.coordinator.assignment.values.filter { $0 == fast }.count)
        }
        XCTAssertEqual(fastShares.first, shardCount / 2, "equal threads, nothing measured: equal shares")
        let last = try XCTUnwrap(fastShares.last)
        XCTAssertGreaterThanOrEqual(last, 14, "shares \(fastShares)")
        XCTAssertLessThanOrEqual(last, 18, "the slow worker keeps a share: \(fastShares)")
        let rates = [fast, slow].compactMap { simulation.coordinator.workers[$0]?.throughput.shardsPerSecond }
        XCTAssertEqual(rates.count, 2)
        XCTAssertGreaterThan(rates[0], 2 * rates[1], "measured \(rates) shards/s")
    }

    func testWeightsFallBackToThreadsUntilMeasured() {
        let simulation = ClusterSimulation(shardCount: 6, seed: 2)
        let first = simulation.addWorker("a", threads: 2)
        let second = simulation.addWorker("b", threads: 1)
        XCTAssertTrue(simulation.run { simulation.coordinator.workers.count == 2 })
        XCTAssertEqual(simulation.coordinator.placementWeights([first, second]), [2, 1])
        XCTAssertEqual(simulation.coordinator.targets(for: [first, second], shardCount: 6), [first: 4, second: 2])
    }
}
