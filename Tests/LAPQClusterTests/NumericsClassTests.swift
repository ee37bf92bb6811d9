import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// Finding 5 of issue #11: in a cluster of mixed CPUs a shard's partial sums depend on which
/// CPU computed it, so a reassignment changed the trajectory. Each shard now stays within the
/// numerics class that first answered it; a class with no live worker stops the run, naming the
/// classes, unless mixed numerics are allowed.
final class NumericsClassTests: XCTestCase {
    let model = SHA256Digest(of: [1, 2, 3])
    let shards = (0..<2).map { JobShard(id: $0, sha256: SHA256Digest(of: [UInt8($0)])) }
    let vectors: [StepVector] = [[0.5]]
    let score = BatchScore(lossSum: 2.5, top1: 1, count: 2)
    let (a, b, c): (PeerID, PeerID, PeerID) = (Array("a".utf8), Array("b".utf8), Array("c".utf8))

    /// Workers a (class 0xA) and b (class 0xB), each holding the model and both shards; one
    /// evaluation answered, so shard 0 is bound to class A and shard 1 to class B.
    private func makeMixed(allowMixed: Bool) -> CoordinatorStateMachine {
        var configuration = CoordinatorStateMachine.Configuration(runID: 7, model: model, modelSize: 3, shards: shards, pointCount: 1)
        configuration.allowMixedNumerics = allowMixed
        var machine = CoordinatorStateMachine(configuration: configuration)
        for (peer, fingerprint) in [(a, UInt64(0xA)), (b, 0xB)] {
            let hello = Hello(workerName: String(decoding: peer, as: UTF8.self), threads: 1,
                              cachedShards: shards.map(\.sha256), model: model, fingerprint: fingerprint)
            _ = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: peer, at: 0))
        }
        _ = machine.on(.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)), at: 0))
        XCTAssertEqual(machine.assignment, [0: a, 1: b])
        _ = machine.on(.received(Message.decode(frame: result(1, [0: [score]])), from: a, at: 1))
        _ = machine.on(.received(Message.decode(frame: result(1, [1: [score]])), from: b, at: 2))
        XCTAssertEqual(machine.numericsClasses, [0xA: [0], 0xB: [1]])
        return machine
    }

    private func result(_ evaluation: UInt64, _ values: [Int: [BatchScore]]) -> [UInt8] {
        Message(runID: 7, evaluationID: evaluation, stepHash: StepVectorHash.of(vectors),
                body: .result(JobResult(isStatistics: false, outcome: .completed(scoreAnswers(values))))).encoded()
    }

    func testAShardWhoseClassHasNoLiveWorkerStopsTheRunNamingTheClasses() throws {
        var machine = makeMixed(allowMixed: false)
        _ = machine.on(.evaluate(EvaluationRequest(id: 2, work: .scores(vectors)), at: 10))
        let actions = machine.on(.unreachable(a, at: 11))
        let reasons = actions.compactMap { action -> String? in
            if case let .runFailed(2, reason) = action { return reason }
            return nil
        }
        let reason = try XCTUnwrap(reasons.first, "\(actions)")
        XCTAssertTrue(reason.contains("shard 0 was computed by numerics class 000000000000000a"), reason)
        XCTAssertTrue(reason.contains("class 000000000000000a: a (gone); class 000000000000000b: b"), reason)
        XCTAssertTrue(reason.contains("--allow-mixed-numerics"), reason)
        XCTAssertFalse(actions.contains { if case .send(let message, to: _) = $0, case .job = message.body { return true }; return false },
                       "shard 0 is not sent to the other class")
        XCTAssertNil(machine.activeEvaluationID)
    }

    func testWithMixedNumericsAllowedTheShardMovesAndIsRecorded() {
        var machine = makeMixed(allowMixed: true)
        _ = machine.on(.evaluate(EvaluationRequest(id: 2, work: .scores(vectors)), at: 10))
        _ = machine.on(.unreachable(a, at: 11))
        _ = machine.on(.received(Message.decode(frame: result(2, [1: [score]])), from: b, at: 12))
        let done = machine.on(.received(Message.decode(frame: result(2, [0: [score]])), from: b, at: 13))
        XCTAssertTrue(done.contains { if case .evaluationComplete = $0 { return true }; return false }, "\(done)")
        XCTAssertEqual(machine.numericsClasses, [0xA: [0], 0xB: [0, 1]])
        XCTAssertEqual(machine.counters.numericsClassMoves, 1)
    }

    /// A replacement whose class is not known yet (its model is loading) may be of the lost
    /// class: the run waits for it instead of stopping, and it takes the shard if it matches.
    func testAReplacementOfUnknownClassIsWaitedForAndTakesTheShardIfItMatches() {
        var machine = makeMixed(allowMixed: false)
        _ = machine.on(.evaluate(EvaluationRequest(id: 2, work: .scores(vectors)), at: 10))
        let hello = Hello(workerName: "c", threads: 1, cachedShards: shards.map(\.sha256), model: nil)
        _ = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: c, at: 11))
        let died = machine.on(.unreachable(a, at: 12))
        XCTAssertFalse(died.contains { if case .runFailed = $0 { return true }; return false }, "\(died)")
        let loaded = Message(runID: 7, body: .loaded(Loaded(item: .model, sha256: model, fingerprint: 0xA))).encoded()
        let actions = machine.on(.received(Message.decode(frame: loaded), from: c, at: 13))
        let job = actions.contains { if case .send(let message, to: let peer) = $0, case .job = message.body { return peer == c }; return false }
        XCTAssertTrue(job, "\(actions)")
        XCTAssertEqual(machine.assignment[0], c)
    }
}
