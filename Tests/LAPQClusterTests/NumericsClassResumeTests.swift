import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// A coordinator resumed from a checkpoint keeps each shard in the numerics class that computed
/// it before the restart: a worker of another class does not get it.
final class NumericsClassResumeTests: XCTestCase {
    let model = SHA256Digest(of: [1, 2, 3])
    let shards = (0..<2).map { JobShard(id: $0, sha256: SHA256Digest(of: [UInt8($0)])) }
    let vectors: [StepVector] = [[0.5]]

    private func machine(restoring bindings: NumericsClasses) throws -> CoordinatorStateMachine {
        var machine = CoordinatorStateMachine(configuration: .init(runID: 8, model: model, modelSize: 3, shards: shards, pointCount: 1))
        try machine.restoreNumericsClasses(bindings)
        return machine
    }

    private func join(_ machine: inout CoordinatorStateMachine, _ name: String, fingerprint: UInt64) {
        let hello = Hello(workerName: name, threads: 1, cachedShards: shards.map(\.sha256), model: model, fingerprint: fingerprint)
        _ = machine.on(.received(Message.decode(frame: Message(runID: 0, body: .hello(hello)).encoded()), from: Array(name.utf8), at: 0))
    }

    func testRestoredBindingsKeepShardsInTheirClass() throws {
        var machine = try machine(restoring: [0xA: [0], 0xB: [1]])
        XCTAssertEqual(machine.numericsClasses, [0xA: [0], 0xB: [1]])
        join(&machine, "b-worker", fingerprint: 0xB)
        let actions = machine.on(.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)), at: 1))
        let reasons = actions.compactMap { action -> String? in
            if case let .runFailed(1, reason) = action { return reason }
            return nil
        }
        let reason = try XCTUnwrap(reasons.first, "shard 0 belongs to class A, and only a class-B worker is here: \(actions)")
        XCTAssertTrue(reason.contains("shard 0 was computed by numerics class 000000000000000a"), reason)
    }

    func testAShardThatSeveralClassesComputedStaysFree() throws {
        var machine = try machine(restoring: [0xA: [0, 1], 0xB: [1]])
        join(&machine, "a-worker", fingerprint: 0xA)
        let actions = machine.on(.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)), at: 1))
        XCTAssertTrue(actions.contains { if case .send(let message, to: _) = $0, case let .job(job) = message.body { return job.shards.count == 2 }; return false },
                      "\(actions)")
    }

    func testBindingsOfUnknownShardsOrAfterTheStartAreRefused() throws {
        XCTAssertThrowsError(try machine(restoring: [0xA: [5]]))
        var started = try machine(restoring: [:])
        join(&started, "w", fingerprint: 0xA)
        _ = started.on(.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)), at: 1))
        XCTAssertThrowsError(try started.restoreNumericsClasses([0xA: [0]]))
    }
}
