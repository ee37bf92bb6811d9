import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// Tables of events in, actions out, for the coordinator alone.
final class CoordinatorStateMachineTests: XCTestCase {
    let model = SHA256Digest(of: [1, 2, 3])
    let shards = (0..<2).map { JobShard(id: $0, sha256: SHA256Digest(of: [UInt8($0)])) }
    let worker: PeerID = Array("w".utf8)
    let vectors: [StepVector] = [[0.5]]
    let score = BatchScore(lossSum: 2.5, top1: 1, count: 2)

    /// A coordinator (run 7) with one registered worker holding the model and both shards, and evaluation 1 open.
    func makeRunning() -> (CoordinatorStateMachine, [CoordinatorStateMachine.Action]) {
        var machine = CoordinatorStateMachine(configuration: .init(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1))
        let hello = Hello(workerName: "w", threads: 2, cachedShards: shards.map(\.sha256), model: model)
        _ = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: worker, at: 0))
        let actions = machine.on(.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)), at: 0))
        return (machine, actions)
    }

    func result(run: UInt64 = 7, evaluation: UInt64 = 1, hash: UInt64? = nil, _ values: [Int: [BatchScore]]) -> [UInt8] {
        Message(runID: run, evaluationID: evaluation, stepHash: hash ?? StepVectorHash.of(vectors),
                body: .result(JobResult(isStatistics: false, outcome: .completed(scoreAnswers(values))))).encoded()
    }

    func testHelloGetsWelcomeAndAModelLoadWhenTheModelDiffers() {
        var machine = CoordinatorStateMachine(configuration: .init(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1))
        let hello = Hello(workerName: "w", threads: 2, cachedShards: [], model: SHA256Digest(of: [9]))
        let actions = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: worker, at: 0))
        let welcome = Message(runID: 7, body: .welcome(Welcome(workerID: 1, heartbeatIntervalMilliseconds: 1000, modelSHA256: model, modelSize: 3)))
        XCTAssertEqual(actions.first, .send(welcome, to: worker))
        XCTAssertEqual(actions.last, .load(.model, to: worker))
    }

    func testEvaluationSendsOneJobToTheHolderAndCompletesOnEveryShard() {
        var (machine, actions) = makeRunning()
        let job = Message(runID: 7, evaluationID: 1, attempt: 1, stepHash: StepVectorHash.of(vectors),
                          body: .job(Job(shards: shards, work: .scores(vectors))))
        XCTAssertEqual(actions, [.send(job, to: worker)])
        XCTAssertEqual(machine.on(.received(Message.decode(frame: result([0: [score]])), from: worker, at: 10)), [])
        let done = machine.on(.received(Message.decode(frame: result([1: [score]])), from: worker, at: 20))
        XCTAssertEqual(done, [.evaluationComplete(EvaluationResult(evaluationID: 1, answers: scoreAnswers([0: [score], 1: [score]])))])
        XCTAssertNil(machine.activeEvaluationID)
    }

    func testDuplicateAnswerIsIgnoredAndTheFirstWins() {
        var (machine, _) = makeRunning()
        _ = machine.on(.received(Message.decode(frame: result([0: [score]])), from: worker, at: 10))
        let other = BatchScore(lossSum: 99, top1: 0, count: 2)
        XCTAssertEqual(machine.on(.received(Message.decode(frame: result([0: [other]])), from: worker, at: 11)), [])
        XCTAssertEqual(machine.counters.duplicate, 1)
        let done = machine.on(.received(Message.decode(frame: result([1: [score]])), from: worker, at: 12))
        XCTAssertEqual(done, [.evaluationComplete(EvaluationResult(evaluationID: 1, answers: scoreAnswers([0: [score], 1: [score]])))])
    }

    func testStaleForeignAndMalformedMessagesAreDroppedAndCounted() {
        var (machine, _) = makeRunning()
        let table: [([UInt8], PeerID, KeyPath<CoordinatorCounters, Int>)] = [
            (result(run: 6, [0: [score]]), worker, \.foreignRun),
            (result(evaluation: 0, [0: [score]]), worker, \.closedEvaluation),
            (result(hash: 12345, [0: [score]]), worker, \.wrongHash),
            ([0x4C, 0x41, 0x50], worker, \.malformed),
            (result([0: [score, score]]), worker, \.unexpected),
        ]
        for (frame, peer, counter) in table {
            XCTAssertEqual(machine.on(.received(Message.decode(frame: frame), from: peer, at: 5)).filter { if case .evaluationComplete = $0 { return true }; return false }, [])
            XCTAssertEqual(machine.counters[keyPath: counter], 1, "\(counter)")
        }
        let stranger: PeerID = [0xEE]
        let reply = machine.on(.received(Message.decode(frame: result([0: [score]])), from: stranger, at: 5))
        XCTAssertEqual(machine.counters.unknownPeer, 1)
        guard case let .send(message, to: peer)? = reply.first, case .bye = message.body else { return XCTFail("\(reply)") }
        XCTAssertEqual(peer, stranger)
    }

    /// A statistics answer the cluster oracle cannot merge whole — another kind, another number
    /// of points, a maximum that is not finite or is negative, histograms of other bins — is a
    /// failed attempt, not stored: the oracle would trap on it (a histogram's range or bins) or
    /// drop the shard. (Found by Scripts/fuzz-protocol: a NaN maximum was accepted.)
    func testStatisticsAnswersThatDoNotFitTheRequestAreFailedAttempts() {
        let histograms = EvaluationWork.histograms(binCount: 3, maxima: [1])
        let table: [(EvaluationWork, ShardAnswer)] = [
            (.maxima, .histograms([[1, 2, 3]])),
            (.maxima, .maxima([1, 2])),
            (.maxima, .maxima([.infinity])),
            (.maxima, .maxima([.nan])),
            (.maxima, .maxima([-1])),
            (histograms, .maxima([1])),
            (histograms, .histograms([[1, 2]])),
            (histograms, .histograms([nil, [1, 2, 3]])),
        ]
        for (kind, answer) in table {
            var machine = CoordinatorStateMachine(configuration: .init(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1))
            let hello = Hello(workerName: "w", threads: 2, cachedShards: shards.map(\.sha256), model: model)
            _ = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: worker, at: 0))
            _ = machine.on(.evaluate(EvaluationRequest(id: 1, work: kind), at: 0))
            let fitting: ShardAnswer = kind == .maxima ? .maxima([2]) : .histograms([[0, 1, 0]])
            let outcome = ShardOutcomes<ShardAnswer>.completed([0: answer, 1: fitting])
            let actions = machine.on(.received(Message.decode(frame: Message(runID: 7, evaluationID: 1, body: .result(JobResult(isStatistics: true, outcome: outcome))).encoded()),
                                               from: worker, at: 5))
            let retry = Message(runID: 7, evaluationID: 1, attempt: 2, body: .job(Job(shards: [shards[0]], work: kind)))
            XCTAssertEqual(actions, [.send(retry, to: worker)], "\(kind) answered with \(answer)")
            XCTAssertEqual(machine.counters.unexpected, 1)
            XCTAssertEqual(machine.counters.failedShardAttempts, 1)
        }
    }

    /// The BYE to a worker whose model load failed quotes its failure; a failure that fills a
    /// LOADED frame must not make a BYE beyond the payload limit, which `encoded()` traps on.
    func testByeQuotingAFrameLongFailureStillFitsAFrame() {
        var configuration = CoordinatorStateMachine.Configuration(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1)
        configuration.maxAttempts = 1
        var machine = CoordinatorStateMachine(configuration: configuration)
        let hello = Hello(workerName: "w", threads: 2, cachedShards: [], model: nil)
        _ = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: worker, at: 0))
        // As long as a LOADED payload allows: digest, ok byte, the string's length, the string.
        let failure = String(repeating: "x", count: ProtocolConstants.maxPayloadSize - SHA256Digest.byteCount - 5)
        let loaded = Message(runID: 7, body: .loaded(Loaded(item: .model, sha256: model, failure: failure))).encoded()
        let byes = machine.on(.received(Message.decode(frame: loaded), from: worker, at: 1)).compactMap { action -> Message? in
            guard case let .send(message, _) = action, case .bye = message.body else { return nil }
            return message
        }
        XCTAssertEqual(byes.count, 1)
        XCTAssertLessThanOrEqual(byes.first.map { $0.encoded().count } ?? 0, ProtocolConstants.headerSize + Bye.maxReasonBytes + 4)
    }

    func testSilentWorkerIsDeclaredDeadAfterFiveIntervals() {
        var (machine, _) = makeRunning()
        XCTAssertFalse(machine.on(.tick(at: 4999)).contains { if case .workerDied = $0 { return true }; return false })
        let actions = machine.on(.tick(at: 5000))
        XCTAssertTrue(actions.contains { if case .workerDied = $0 { return true }; return false })
        XCTAssertEqual(machine.workers[worker]?.alive, false)
        XCTAssertTrue(machine.assignment.isEmpty, "its shards wait for another worker")
        XCTAssertEqual(machine.counters.failedShardAttempts, 2)
    }

    /// A worker that keeps heartbeating but finishes no shard is hung only after
    /// `stallMilliseconds` (default 300 s): one shard of a big model may take minutes.
    func testBusyWorkerWithoutProgressIsHungOnlyAfterTheStallLimit() {
        var (machine, _) = makeRunning()
        let heartbeat = Message(runID: 7, body: .heartbeat(Heartbeat(progress: 0, busy: true))).encoded()
        var deathTime: UInt64?
        for now in stride(from: UInt64(1000), through: 310_000, by: 1000) where deathTime == nil {
            _ = machine.on(.received(Message.decode(frame: heartbeat), from: worker, at: now))
            if machine.on(.tick(at: now)).contains(where: { if case .workerDied = $0 { return true }; return false }) {
                deathTime = now
            }
        }
        XCTAssertEqual(deathTime, 300_000, "hung after 300 s without a finished shard, not before")
        XCTAssertEqual(machine.workers[worker]?.alive, false)
    }

    func testHeartbeatsGoOutEveryInterval() {
        var (machine, _) = makeRunning()
        let heartbeat = Message(runID: 7, body: .heartbeat(Heartbeat(progress: 1, busy: true)))
        XCTAssertEqual(machine.on(.tick(at: 1000)), [.send(heartbeat, to: worker)])
        XCTAssertEqual(machine.on(.tick(at: 1500)), [])
    }
}

/// The per-worker load window: LOADs stream a few at a time, each LOADED releasing the next.
final class CoordinatorLoadWindowTests: XCTestCase {
    let model = SHA256Digest(of: [1, 2, 3])
    let shards = (0..<5).map { JobShard(id: $0, sha256: SHA256Digest(of: [UInt8($0)])) }
    let worker: PeerID = Array("w".utf8)
    let vectors: [StepVector] = [[0.5]]

    private func loads(_ actions: [CoordinatorStateMachine.Action]) -> [LoadItem] {
        actions.compactMap { if case let .load(item, _) = $0 { return item }; return nil }
    }

    private func loaded(_ item: LoadItem) -> [UInt8] {
        let digest = item.shardID.map { shards[$0].sha256 } ?? model
        return Message(runID: 7, body: .loaded(Loaded(item: item, sha256: digest))).encoded()
    }

    /// A new worker lacking everything gets the model and one shard (window 2); every LOADED
    /// sends the next shard, and each loaded shard is put to work at once; all five get done.
    func testLoadsStreamThroughTheWindowInOrder() {
        var configuration = CoordinatorStateMachine.Configuration(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1)
        configuration.loadWindow = 2
        var machine = CoordinatorStateMachine(configuration: configuration)
        let hello = Hello(workerName: "w", threads: 2, cachedShards: [], model: nil)
        XCTAssertEqual(loads(machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: worker, at: 0))), [.model])
        XCTAssertEqual(loads(machine.on(.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)), at: 0))), [.shard(0)])
        var sent: [LoadItem] = [.model, .shard(0)]
        var jobs: [Int] = []
        var time: UInt64 = 1
        while let next = sent.first {
            sent.removeFirst()
            let actions = machine.on(.received(Message.decode(frame: loaded(next)), from: worker, at: time))
            time += 1
            let newLoads = loads(actions)
            XCTAssertLessThanOrEqual(machine.workers[worker].map { $0.loading.count } ?? 0, 2)
            sent += newLoads
            for case let .send(message, _) in actions {
                if case let .job(job) = message.body { jobs += job.shards.map(\.id) }
            }
        }
        XCTAssertEqual(jobs.sorted(), [0, 1, 2, 3, 4], "every shard is sent as a job once it is loaded")
        XCTAssertEqual(machine.workers[worker]?.heldShards.count, 5)
    }

    /// A worker of another release: its HELLO does not decode, but it is answered with a BYE
    /// naming both versions (whose header that worker can read), and counted as malformed.
    func testAFrameOfAnotherProtocolVersionIsAnsweredWithABye() {
        var machine = CoordinatorStateMachine(configuration: .init(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1))
        var hello = Message(runID: 0, body: .hello(Hello(workerName: "old", threads: 2, cachedShards: [], model: nil))).encoded()
        hello[4] = 4
        let bye = Message(runID: 7, body: .bye(Bye(reason: "protocol version 4, coordinator speaks \(ProtocolConstants.version)")))
        XCTAssertEqual(machine.on(.received(Message.decode(frame: hello), from: worker, at: 0)), [.send(bye, to: worker)])
        XCTAssertEqual(machine.counters.malformed, 1)
        XCTAssertTrue(machine.workers.isEmpty)
    }
}
