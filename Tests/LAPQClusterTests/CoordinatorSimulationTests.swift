import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// The coordinator and workers together (through the real codec, no sockets): whatever the
/// worker count, arrival order, deaths or stalls, an evaluation's per-shard scores — and so
/// the reduced loss — are exactly those of computing every shard once.
final class CoordinatorSimulationTests: XCTestCase {
    let vectors: [StepVector] = [[0.5, 0.125], .float, [1e-3, 7]]

    func expectedScores(shardCount: Int) -> [Int: [BatchScore]] {
        Dictionary(uniqueKeysWithValues: (0..<shardCount).map { id in (id, vectors.map { ClusterSimulation.score(shard: id, vector: $0) }) })
    }

    func testHappyPathGivesEveryShardsScoreAndLoadsEachItemOnce() throws {
        let simulation = ClusterSimulation(shardCount: 6, seed: 1)
        let first = simulation.addWorker("w1", threads: 2)
        let second = simulation.addWorker("w2", threads: 1)
        XCTAssertTrue(simulation.run { simulation.coordinator.workers.count == 2 })
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        let result = try XCTUnwrap(simulation.completed.first)
        XCTAssertEqual(result.answers, scoreAnswers(expectedScores(shardCount: 6)))
        XCTAssertEqual(ShardOrderReduction.scores(result.answers, vectorCount: vectors.count), vectors.indices.map { index in
            reduceInShardOrder(expectedScores(shardCount: 6).mapValues { $0[index] })
        })
        // Shares follow threads (4 : 2); every worker loads the model and only its own shards.
        XCTAssertEqual(simulation.coordinator.assignment.values.filter { $0 == first }.count, 4)
        XCTAssertEqual(simulation.coordinator.assignment.values.filter { $0 == second }.count, 2)
        XCTAssertEqual(simulation.loads.filter { $0.1 == .model }.count, 2)
        XCTAssertEqual(simulation.loads.count, 2 + 6)
        XCTAssertEqual(simulation.coordinator.counters, CoordinatorCounters())
    }

    func testArrivalOrderAndWorkerCountDoNotChangeTheScores() {
        for seed in 1...12 as ClosedRange<UInt64> {
            let workerCount = 1 + Int(seed % 4)
            let simulation = ClusterSimulation(shardCount: 9, seed: seed) { $0.minWorkers = workerCount }
            for index in 0..<workerCount { simulation.addWorker("w\(index)", threads: 1 + index % 3) }
            simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
            XCTAssertTrue(simulation.run { !simulation.completed.isEmpty }, "seed \(seed)")
            XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expectedScores(shardCount: 9)), "seed \(seed)")
        }
    }

    func testWorkerDyingMidJobIsReplacedAndTheScoresAreUnchanged() throws {
        let simulation = ClusterSimulation(shardCount: 8, seed: 7)
        let doomed = simulation.addWorker("doomed")
        simulation.addWorker("survivor")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.workers[doomed]?.job != nil })
        simulation.workers[doomed]?.killed = true
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expectedScores(shardCount: 8)))
        XCTAssertEqual(simulation.coordinator.workers[doomed]?.alive, false)
        XCTAssertGreaterThan(simulation.coordinator.counters.failedShardAttempts, 0)
        XCTAssertTrue(simulation.coordinator.assignment.values.allSatisfy { $0 != doomed })
    }

    func testStalledWorkerThatStillHeartbeatsIsDeclaredDead() {
        let simulation = ClusterSimulation(shardCount: 4, seed: 3)
        let stuck = simulation.addWorker("stuck")
        simulation.addWorker("healthy")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.workers[stuck]?.job != nil })
        simulation.workers[stuck]?.stalled = true
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expectedScores(shardCount: 4)))
        XCTAssertGreaterThanOrEqual(simulation.coordinator.counters.workersDeclaredDead, 1)
    }

    func testSpeculativeCopiesOfTheLastShardsLeaveTheScoresUnchanged() {
        let simulation = ClusterSimulation(shardCount: 10, seed: 11)
        let slow = simulation.addWorker("slow")
        simulation.addWorker("fast", threads: 9)
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.workers[slow]?.job != nil })
        simulation.workers[slow]?.stalled = true   // its one shard is the last 10%
        XCTAssertTrue(simulation.run(maxSteps: 20_000) { !simulation.completed.isEmpty })
        XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expectedScores(shardCount: 10)))
        XCTAssertGreaterThan(simulation.coordinator.counters.speculativeSends, 0)
        XCTAssertTrue(simulation.run(maxSteps: 200) { simulation.cancelledJobs == 1 }, "the slow copy is cancelled")
    }

    func testShardFailingThreeTimesFailsTheEvaluationNamingIt() throws {
        let simulation = ClusterSimulation(shardCount: 5, seed: 5)
        simulation.addWorker("a")
        simulation.addWorker("b")
        simulation.shardsToFail = [3]
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { !simulation.failed.isEmpty })
        let failure = try XCTUnwrap(simulation.failed.first)
        XCTAssertEqual(failure.shardID, 3)
        XCTAssertEqual(failure.attempts, 3)
        XCTAssertTrue(failure.description.contains("shard 3"))
        XCTAssertTrue(simulation.completed.isEmpty, "never a partial loss")
    }

    /// Finding 6 of issue #11: three workers killed one after another while they were still
    /// loading the shards failed the evaluation ("shard failed 3 times") although no worker ever
    /// computed it. Deaths during loading now re-place the shard without counting a failure, and
    /// a killed worker is dead as soon as its connection closes, not after 5 s of silence.
    func testWorkersKilledWhileLoadingDoNotFailTheShards() throws {
        let simulation = ClusterSimulation(shardCount: 3, seed: 9)
        var peer = simulation.addWorker("w0")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        for round in 1...4 {
            XCTAssertTrue(simulation.run { simulation.loads.contains { $0.0 == peer && $0.1 != .model } }, "round \(round)")
            let killedAt = simulation.now
            simulation.crash(peer)
            XCTAssertEqual(simulation.coordinator.workers[peer]?.alive, false, "dead at once")
            XCTAssertEqual(simulation.now, killedAt)
            peer = simulation.addWorker("w\(round)")
        }
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty || !simulation.failed.isEmpty })
        XCTAssertEqual(simulation.failed, [])
        XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expectedScores(shardCount: 3)))
        XCTAssertEqual(simulation.coordinator.counters.failedShardAttempts, 0)
        XCTAssertGreaterThanOrEqual(simulation.coordinator.counters.abandonedShardLoads, 4)
    }

    /// A worker killed while computing a shard does count a failure of it: with a cap of one
    /// (`--max-shard-failures 1`) the evaluation fails, naming the worker.
    func testWorkerKilledWhileComputingCountsAgainstTheCap() throws {
        let simulation = ClusterSimulation(shardCount: 2, seed: 4) { $0.maxAttempts = 1 }
        let doomed = simulation.addWorker("doomed")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.workers[doomed]?.job != nil })
        simulation.crash(doomed)
        let failure = try XCTUnwrap(simulation.failed.first)
        XCTAssertTrue(failure.description.contains("worker doomed (1): disconnected"), failure.description)
        XCTAssertEqual(failure.attempts, 1)
    }

    func testLateJoinerGetsAShareAtTheNextEvaluation() {
        let simulation = ClusterSimulation(shardCount: 6, seed: 9)
        simulation.addWorker("early")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        let late = simulation.addWorker("late")
        XCTAssertTrue(simulation.run { simulation.coordinator.workers[late] != nil })
        XCTAssertFalse(simulation.coordinator.assignment.values.contains(late), "no shard moves between evaluations")
        simulation.evaluate(EvaluationRequest(id: 2, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.completed.count == 2 })
        XCTAssertEqual(simulation.coordinator.assignment.values.filter { $0 == late }.count, 3)
        XCTAssertEqual(simulation.completed.last?.answers, scoreAnswers(expectedScores(shardCount: 6)))
    }

    func testEvaluationWaitsForMinWorkers() {
        let simulation = ClusterSimulation(shardCount: 4, seed: 2) { $0.minWorkers = 2 }
        simulation.addWorker("one")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        simulation.run(maxSteps: 500) { false }
        XCTAssertTrue(simulation.completed.isEmpty)
        simulation.addWorker("two")
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
    }

    func testStatisticsJobsCollectEveryShard() {
        let simulation = ClusterSimulation(shardCount: 5, seed: 4)
        simulation.addWorker("a")
        simulation.addWorker("b", threads: 3)
        simulation.evaluate(EvaluationRequest(id: 1, work: .maxima))
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        XCTAssertEqual(simulation.completed.first?.answers,
                       Dictionary(uniqueKeysWithValues: (0..<5).map { ($0, .maxima([Double($0), 1])) }))
    }

    func testRestartedCoordinatorReusesTheWorkersCachedShards() {
        let simulation = ClusterSimulation(shardCount: 4, seed: 6, runID: 2)
        simulation.addWorker("veteran", cachedShards: [0, 1, 2, 3], cachedModel: true)
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        XCTAssertTrue(simulation.loads.isEmpty, "nothing is sent again")
        XCTAssertEqual(simulation.completed.first?.answers, scoreAnswers(expectedScores(shardCount: 4)))
    }

    func testCoordinatorRestartKeepsWorkersAndTheirShards() {
        let simulation = ClusterSimulation(shardCount: 4, seed: 8, runID: 1)
        let worker = simulation.addWorker("w")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { !simulation.completed.isEmpty })
        simulation.restartCoordinator(runID: 2)
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.completed.count == 2 })
        XCTAssertEqual(simulation.completed.last?.answers, scoreAnswers(expectedScores(shardCount: 4)))
        XCTAssertTrue(simulation.loads.isEmpty, "the worker's cache survives the restart")
        XCTAssertEqual(simulation.workers[worker]?.machine.runID, 2)
    }
}
