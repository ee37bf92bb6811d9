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

/// A worker's answer must fit one frame (64 MiB): histograms of many points over many shards
/// would not, so their STATS are cut (`ProtocolConstants.shardsPerJob`).
final class StatisticsJobSizeTests: XCTestCase {
    func testHistogramJobsAreCutSoThatEachAnswerFitsAFrame() {
        let binCount = 1 << 18   // 2 points × 2 MiB per shard: 15 shards per STATS
        let work = EvaluationWork.histograms(binCount: binCount, maxima: [1, 1])
        XCTAssertEqual(ProtocolConstants.shardsPerJob(for: work, pointCount: ClusterSimulation.pointCount), 15)
        XCTAssertEqual(ProtocolConstants.shardsPerJob(for: .scores([.float]), pointCount: 2), Int.max)
        let simulation = ClusterSimulation(shardCount: 32, seed: 3)
        _ = simulation.addWorker("only", cachedShards: Set(0..<32), cachedModel: true)
        XCTAssertTrue(simulation.run { simulation.coordinator.workers.count == 1 })
        simulation.evaluate(EvaluationRequest(id: 1, work: work))
        XCTAssertEqual(simulation.sentJobs.map(\.shards.count), [15, 15, 2], "every shard is ready at once")
        XCTAssertEqual(Set(simulation.sentJobs.flatMap(\.shards).map(\.id)), Set(0..<32))
    }

    /// The byte count `shardsPerJob` divides by is the codec's: a STATS-RESULT's payload grows
    /// by exactly `histogramAnswerBytes` per shard, on top of `histogramAnswerOverhead`.
    func testTheHistogramAnswerSizeIsTheCodecs() {
        let bins = 5
        func payloadBytes(shards: Int) -> Int {
            let answers = Dictionary(uniqueKeysWithValues: (0..<shards).map { ($0, ShardAnswer.histograms([[Int](repeating: 3, count: bins), [Int](repeating: 4, count: bins)])) })
            let message = Message(runID: 1, evaluationID: 1, body: .result(JobResult(isStatistics: true, outcome: .completed(answers))))
            return message.encoded().count - ProtocolConstants.headerSize
        }
        let perShard = ProtocolConstants.histogramAnswerBytes(binCount: bins, pointCount: 2)
        for shards in 1...3 {
            XCTAssertEqual(payloadBytes(shards: shards), ProtocolConstants.histogramAnswerOverhead + shards * perShard)
        }
    }
}
