import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// A cancelled or superseded job stops and is never answered; the next job starts after it.
final class WorkerCancellationTests: XCTestCase {
    private let model: [UInt8] = [9, 9, 9]
    private let vectors: [StepVector] = [[0.5, 0.25]]
    private lazy var shard = JobShard(id: 1, sha256: SHA256Digest(of: [1]))

    private func makeHoldingWorker() -> WorkerStateMachine {
        var machine = WorkerStateMachine(configuration: .init(name: "w", threads: 1))
        _ = machine.on(.connected(at: 0))
        _ = machine.on(.received(Message.decode(frame: Message(runID: 7, body: .welcome(Welcome(workerID: 1, heartbeatIntervalMilliseconds: 1000,
                                                                          modelSHA256: SHA256Digest(of: model), modelSize: 3))).encoded()), at: 0))
        _ = machine.on(.stored(.model, SHA256Digest(of: model)))
        _ = machine.on(.stored(.shard(1), shard.sha256))
        return machine
    }

    private func job(_ evaluationID: UInt64) -> [UInt8] {
        Message(runID: 7, evaluationID: evaluationID, stepHash: StepVectorHash.of(vectors),
                body: .job(Job(shards: [shard], work: .scores(vectors)))).encoded()
    }

    private func workerJob(_ evaluationID: UInt64) -> WorkerJob {
        WorkerJob(runID: 7, evaluationID: evaluationID, attempt: 0, stepHash: StepVectorHash.of(vectors), shards: [shard], work: .scores(vectors))
    }

    func testCancelStopsTheRunningJobWhichIsNotAnswered() {
        var machine = makeHoldingWorker()
        XCTAssertEqual(machine.on(.received(Message.decode(frame: job(5)), at: 1)), [.runJob(workerJob(5))])
        XCTAssertEqual(machine.on(.received(Message.decode(frame: Message(runID: 7, evaluationID: 5, body: .cancel).encoded()), at: 2)),
                       [.cancelJob(evaluationID: 5)])
        XCTAssertEqual(machine.on(.jobCancelled), [], "nothing to answer, nothing queued")
        XCTAssertFalse(machine.isBusy)
        XCTAssertEqual(machine.counters.cancelledJobs, 1)
    }

    func testAJobOfALaterEvaluationSupersedesTheRunningOne() {
        var machine = makeHoldingWorker()
        _ = machine.on(.received(Message.decode(frame: job(5)), at: 1))
        // Evaluation 5's CANCEL was lost (or is still behind): evaluation 6's job stops it anyway.
        XCTAssertEqual(machine.on(.received(Message.decode(frame: job(6)), at: 2)), [.cancelJob(evaluationID: 5)])
        XCTAssertEqual(machine.on(.jobCancelled), [.runJob(workerJob(6))], "the new job starts once the old one stopped")
        let scores = ShardOutcomes<ShardAnswer>.completed([1: .scores([BatchScore(lossSum: 1, top1: 1, count: 1)])])
        let actions = machine.on(.jobFinished(scores))
        guard case let .send(message)? = actions.first else { return XCTFail("\(actions)") }
        XCTAssertEqual(message.evaluationID, 6)
    }

    func testAJobThatFinishedBeforeItsCancelTookEffectIsDropped() {
        var machine = makeHoldingWorker()
        _ = machine.on(.received(Message.decode(frame: job(5)), at: 1))
        _ = machine.on(.received(Message.decode(frame: job(6)), at: 2))   // supersedes 5
        let scores = ShardOutcomes<ShardAnswer>.completed([1: .scores([BatchScore(lossSum: 1, top1: 1, count: 1)])])
        XCTAssertEqual(machine.on(.jobFinished(scores)), [.runJob(workerJob(6))], "evaluation 5's answer is not sent")
        XCTAssertEqual(machine.counters.cancelledEvaluation, 1)
    }
}
