import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// Tables of events in, actions out, for the worker alone.
final class WorkerStateMachineTests: XCTestCase {
    let model = Array("the model".utf8)
    let vectors: [StepVector] = [[0.25, 4]]

    func makeRegistered(runID: UInt64 = 7) -> WorkerStateMachine {
        var machine = WorkerStateMachine(configuration: .init(name: "w", threads: 4))
        _ = machine.on(.connected(at: 0))
        let welcome = Welcome(workerID: 3, heartbeatIntervalMilliseconds: 1000, modelSHA256: SHA256Digest(of: model), modelSize: 9)
        XCTAssertEqual(machine.on(.received(Message.decode(frame: Message(runID: runID, body: .welcome(welcome)).encoded()), at: 0)), [])
        return machine
    }

    func frames(_ messages: [Message]) -> [[UInt8]] { messages.map { $0.encoded() } }

    func testConnectSaysHelloWithTheCache() {
        let cached = SHA256Digest(of: [1])
        var machine = WorkerStateMachine(configuration: .init(name: "w", threads: 4), cachedShards: [cached])
        let hello = Hello(workerName: "w", threads: 4, cachedShards: [cached], model: nil)
        XCTAssertEqual(machine.on(.connected(at: 0)), [.send(Message(runID: 0, body: .hello(hello)))])
    }

    func testLoadChunksAreAssembledVerifiedStoredAndConfirmed() {
        var machine = makeRegistered()
        let digest = SHA256Digest(of: model)
        let chunks = LoadChunker.messages(item: .model, bytes: model, sha256: digest, shardFacts: nil, runID: 7, chunkSize: 4)
        var actions: [WorkerStateMachine.Action] = []
        for frame in frames(chunks) { actions += machine.on(.received(Message.decode(frame: frame), at: 1)) }
        XCTAssertEqual(actions, [.store(StoredItem(item: .model, sha256: digest, bytes: model, shardFacts: nil))])
        XCTAssertEqual(machine.on(.stored(.model, digest)), [.send(Message(runID: 7, body: .loaded(Loaded(item: .model, sha256: digest))))])
        XCTAssertEqual(machine.heldModel, digest)
    }

    func testCorruptedItemIsRefusedWithAReason() {
        var machine = makeRegistered()
        let wrong = SHA256Digest(of: [0])
        let chunks = LoadChunker.messages(item: .model, bytes: model, sha256: wrong, shardFacts: nil, runID: 7)
        let actions = frames(chunks).flatMap { machine.on(.received(Message.decode(frame: $0), at: 1)) }
        guard case let .send(message)? = actions.first, case let .loaded(loaded) = message.body else { return XCTFail("\(actions)") }
        XCTAssertEqual(loaded.sha256, wrong)
        XCTAssertTrue(loaded.failure?.contains("hash") == true)
        XCTAssertEqual(machine.counters.failedLoads, 1)
    }

    func testJobRunsAndItsResultCarriesTheJobsHeader() {
        var machine = makeRegistered()
        let shard = JobShard(id: 4, sha256: SHA256Digest(of: [4]))
        _ = machine.on(.stored(.model, SHA256Digest(of: model)))
        _ = machine.on(.stored(.shard(4), shard.sha256))
        let hash = StepVectorHash.of(vectors)
        let job = Message(runID: 7, evaluationID: 5, attempt: 2, stepHash: hash, body: .job(Job(shards: [shard], work: .scores(vectors))))
        let expectedJob = WorkerJob(runID: 7, evaluationID: 5, attempt: 2, stepHash: hash, shards: [shard], work: .scores(vectors))
        XCTAssertEqual(machine.on(.received(Message.decode(frame: job.encoded()), at: 1)), [.runJob(expectedJob)])
        let scores: ShardOutcomes<ShardAnswer> = .completed([4: .scores([BatchScore(lossSum: 1, top1: 1, count: 1)])])
        let answer = Message(runID: 7, evaluationID: 5, attempt: 2, stepHash: hash, body: .result(JobResult(isStatistics: false, outcome: scores)))
        XCTAssertEqual(machine.on(.jobFinished(scores)), [.send(answer)])
        XCTAssertFalse(machine.isBusy)
    }

    func testJobForAShardNotHeldIsAnsweredAsFailed() {
        var machine = makeRegistered()
        _ = machine.on(.stored(.model, SHA256Digest(of: model)))
        let shard = JobShard(id: 1, sha256: SHA256Digest(of: [1]))
        let job = Message(runID: 7, evaluationID: 5, stepHash: StepVectorHash.of(vectors), body: .job(Job(shards: [shard], work: .scores(vectors))))
        let actions = machine.on(.received(Message.decode(frame: job.encoded()), at: 1))
        guard case let .send(message)? = actions.first, case let .result(result) = message.body else { return XCTFail("\(actions)") }
        XCTAssertEqual(result.outcome, .failed(shardIDs: [1], reason: "shard not loaded"))
    }

    func testForeignRunAndCancelledEvaluationAreDroppedAndCounted() {
        var machine = makeRegistered()
        _ = machine.on(.stored(.model, SHA256Digest(of: model)))
        let shard = JobShard(id: 1, sha256: SHA256Digest(of: [1]))
        _ = machine.on(.stored(.shard(1), shard.sha256))
        let hash = StepVectorHash.of(vectors)
        let foreign = Message(runID: 6, evaluationID: 5, stepHash: hash, body: .job(Job(shards: [shard], work: .scores(vectors))))
        XCTAssertEqual(machine.on(.received(Message.decode(frame: foreign.encoded()), at: 1)), [])
        XCTAssertEqual(machine.counters.foreignRun, 1)
        XCTAssertEqual(machine.on(.received(Message.decode(frame: Message(runID: 7, evaluationID: 5, body: .cancel).encoded()), at: 1)), [])
        var job = foreign
        job.runID = 7
        XCTAssertEqual(machine.on(.received(Message.decode(frame: job.encoded()), at: 1)), [])
        XCTAssertEqual(machine.counters.cancelledEvaluation, 1)
        XCTAssertEqual(machine.on(.received(Message.decode(frame: [1, 2, 3]), at: 1)), [])
        XCTAssertEqual(machine.counters.malformed, 1)
    }

    func testHeartbeatsCarryProgressAndSilenceTriggersReconnectWithBackoff() {
        var machine = makeRegistered()
        _ = machine.on(.progressed)
        XCTAssertEqual(machine.on(.tick(at: 999)), [])
        XCTAssertEqual(machine.on(.tick(at: 1000)), [.send(Message(runID: 7, body: .heartbeat(Heartbeat(progress: 1, busy: false))))])
        XCTAssertEqual(machine.on(.tick(at: 5000)), [.reconnect(afterMilliseconds: 1000)])
        XCTAssertNil(machine.runID)
        _ = machine.on(.connected(at: 6000))
        XCTAssertEqual(machine.on(.tick(at: 11_000)), [.reconnect(afterMilliseconds: 2000)], "backoff doubles")
    }

    func testByeMakesTheWorkerSayHelloAgain() {
        var machine = makeRegistered()
        XCTAssertEqual(machine.on(.received(Message.decode(frame: Message(runID: 8, body: .bye(Bye(reason: "restart"))).encoded()), at: 1)),
                       [.reconnect(afterMilliseconds: 1000)])
        guard case let .send(message)? = machine.on(.connected(at: 2000)).first, case .hello = message.body else { return XCTFail() }
    }

    /// A coordinator of another release answers HELLO with a BYE this worker cannot decode past
    /// the header's version: the worker says so, naming both versions, and stops instead of
    /// reconnecting forever.
    func testAFrameOfAnotherProtocolVersionStopsTheWorkerNamingBothVersions() {
        var machine = WorkerStateMachine(configuration: .init(name: "w", threads: 4))
        _ = machine.on(.connected(at: 0))
        var bye = Message(runID: 9, body: .bye(Bye(reason: "protocol version 5, coordinator speaks 4"))).encoded()
        bye[4] = 4   // the coordinator's version
        let actions = machine.on(.received(Message.decode(frame: bye), at: 1))
        guard case let .stop(reason)? = actions.last, actions.count == 1 else { return XCTFail("\(actions)") }
        XCTAssertTrue(reason.contains("protocol version 4") && reason.contains("this worker \(ProtocolConstants.version)"), reason)
        XCTAssertEqual(machine.on(.tick(at: 100_000)), [], "a stopped worker neither heartbeats nor reconnects")
        XCTAssertEqual(machine.on(.connected(at: 100_001)), [])
    }

    /// A model that cannot load here fails the same way each time: after
    /// `maxModelLoadFailures` failures in a row (across the coordinator's BYE and the worker's
    /// new HELLO), the worker stops naming the failure; a model that loads resets the count.
    func testAModelThatKeepsFailingToLoadStopsTheWorker() {
        var machine = makeRegistered()
        let digest = SHA256Digest(of: model)
        let failed = Message(runID: 7, body: .loaded(Loaded(item: .model, sha256: digest, failure: "op 'DeformConv' is not supported")))
        XCTAssertEqual(machine.on(.storeFailed(.model, digest, reason: "op 'DeformConv' is not supported")), [.send(failed)])
        _ = machine.on(.stored(.model, digest, fingerprint: 1))
        for _ in 1..<machine.configuration.maxModelLoadFailures {
            XCTAssertEqual(machine.on(.storeFailed(.model, digest, reason: "op 'DeformConv' is not supported")), [.send(failed)])
        }
        let actions = machine.on(.storeFailed(.model, digest, reason: "op 'DeformConv' is not supported"))
        XCTAssertEqual(actions.first, .send(failed))
        guard case let .stop(reason)? = actions.last, actions.count == 2 else { return XCTFail("\(actions)") }
        XCTAssertTrue(reason.contains("failed to load here 3 times: op 'DeformConv' is not supported"), reason)
        XCTAssertTrue(reason.contains(digest.hex), reason)
    }
}
