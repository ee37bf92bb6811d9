import LAPQCluster
import LAPQData
import LAPQEngine

/// The seed corpus: every `ProtocolSamples` message alone, against a coordinator and against a
/// worker, and per setup one conversation that runs the scenario's evaluations to the end
/// (loads, answers, a cancel, heartbeats, a silence) — so mutations start from frames that get
/// past the decoder and states deep in both machines.
public enum ProtocolFuzzSeeds {
    public static var all: [(name: String, input: ProtocolFuzzInput)] {
        let coordinator = ProtocolFuzzSetup.coordinator(work: .evaluate, firstWorkerHoldsItems: true, waitsForSecondWorker: false)
        let worker = ProtocolFuzzSetup.worker(holdsItems: true, registered: true)
        var seeds: [(String, ProtocolFuzzInput)] = []
        for (index, sample) in ProtocolSamples.all.enumerated() {
            seeds.append(("sample-\(index)-coordinator", ProtocolFuzzInput(setup: coordinator.byte, records: [
                ProtocolFuzzInput.Record(control: ProtocolFuzzControl.coordinator().byte, frame: sample.encoded()),
            ])))
            seeds.append(("sample-\(index)-worker", ProtocolFuzzInput(setup: worker.byte, records: [
                ProtocolFuzzInput.Record(control: ProtocolFuzzControl.worker(finishJob: true, storeItems: true).byte, frame: sample.encoded()),
            ])))
        }
        for (index, setup) in ProtocolFuzzSetup.allCases.enumerated() {
            seeds.append(("conversation-\(index)", ProtocolFuzzInput(setup: setup.byte, records: conversation(setup))))
        }
        return seeds
    }

    static func conversation(_ setup: ProtocolFuzzSetup) -> [ProtocolFuzzInput.Record] {
        switch setup {
        case let .coordinator(work, holds, waits): return coordinatorConversation(work: work, holds: holds, waits: waits)
        case let .worker(holds, registered): return workerConversation(holds: holds, registered: registered)
        }
    }

    /// Loads (when the workers lack the items), evaluations answered, one failed by three failed
    /// attempts, a heartbeat, then silence until the workers are declared dead.
    private static func coordinatorConversation(work: ProtocolFuzzSetup.CoordinatorWork, holds: Bool, waits: Bool) -> [ProtocolFuzzInput.Record] {
        typealias Record = ProtocolFuzzInput.Record
        func from(_ peer: Int, step: Int = 1, tick: Bool = false, _ message: Message) -> Record {
            Record(control: ProtocolFuzzControl.coordinator(peer: peer, step: step, tick: tick).byte, frame: message.encoded())
        }
        let run = ProtocolFuzzScenario.runID
        // Largest-remainder shares with equal threads: the older worker owns the first shard.
        let owners = waits ? [3: 0, 7: 1] : [3: 0, 7: 0]
        var records: [Record] = []
        if waits { records.append(from(1, ProtocolFuzzScenario.hello(name: "fuzz-1", holdsItems: holds))) }
        if !holds {
            for (shard, owner) in owners.sorted(by: { $0.key < $1.key }) {
                records.append(from(owner, Message(runID: run, body: .loaded(Loaded(item: .model, sha256: ProtocolFuzzScenario.modelDigest)))))
                let digest = ProtocolFuzzScenario.shards.first { $0.id == shard }?.sha256 ?? ProtocolSamples.digestA
                records.append(from(owner, Message(runID: run, body: .loaded(Loaded(item: .shard(shard), sha256: digest)))))
            }
        }
        let request = EvaluationRequest(id: 0, work: ProtocolFuzzScenario.work(work))
        for offset in 0..<UInt64(ProtocolFuzzScenario.evaluationsPerInput - 1) {
            let id = ProtocolFuzzScenario.firstEvaluationID + offset
            for (shard, owner) in owners.sorted(by: { $0.key < $1.key }) {
                records.append(from(owner, answer(request.work, shard: shard, evaluationID: id, stepHash: request.stepHash)))
            }
            records.append(from(0, step: 4, tick: true, Message(runID: run, body: .heartbeat(Heartbeat(progress: offset + 1, busy: false)))))
        }
        let last = ProtocolFuzzScenario.firstEvaluationID + UInt64(ProtocolFuzzScenario.evaluationsPerInput - 1)
        // Three failed attempts on shard 3 fail the last evaluation; each retry avoids the worker
        // that failed when there is another.
        for peer in waits ? [0, 1, 0] : [0, 0, 0] {
            records.append(from(peer, failed(request.work, shard: 3, evaluationID: last, stepHash: request.stepHash)))
        }
        records.append(from(0, step: 6, tick: true, Message(runID: run, body: .heartbeat(Heartbeat(progress: 9, busy: true)))))
        return records
    }

    private static func answer(_ work: EvaluationWork, shard: Int, evaluationID: UInt64, stepHash: UInt64) -> Message {
        let answer: ShardAnswer
        switch work {
        case let .scores(vectors):
            answer = .scores(vectors.map { _ in BatchScore(lossSum: 0.75, top1: 1, count: 1) })
        case .maxima:
            answer = .maxima([1, 0.5, 2])
        case let .histograms(binCount, maxima):
            answer = .histograms(maxima.indices.map { $0 == 0 ? nil : (0..<binCount).map { $0 + 1 } })
        }
        return Message(runID: ProtocolFuzzScenario.runID, evaluationID: evaluationID, attempt: 1, stepHash: stepHash,
                       body: .result(JobResult(answering: work, outcome: .completed([shard: answer]))))
    }

    private static func failed(_ work: EvaluationWork, shard: Int, evaluationID: UInt64, stepHash: UInt64) -> Message {
        Message(runID: ProtocolFuzzScenario.runID, evaluationID: evaluationID, attempt: 1, stepHash: stepHash,
                body: .result(JobResult(answering: work, outcome: .failed(shardIDs: [shard], reason: "out of memory"))))
    }

    /// WELCOME and loads as needed, a job of every kind run to the end (one failing), a job
    /// cancelled, a heartbeat, a BYE and a second WELCOME, then silence.
    private static func workerConversation(holds: Bool, registered: Bool) -> [ProtocolFuzzInput.Record] {
        typealias Record = ProtocolFuzzInput.Record
        func record(_ message: Message, _ control: ProtocolFuzzControl = .worker(step: 1)) -> Record {
            Record(control: control.byte, frame: message.encoded())
        }
        let run = ProtocolFuzzScenario.runID, shards = ProtocolFuzzScenario.shards
        var records: [Record] = []
        if !registered { records.append(record(ProtocolFuzzScenario.welcome)) }
        if !holds {
            for item in [LoadItem.model] + shards.map({ .shard($0.id) }) {
                records.append(record(ProtocolFuzzScenario.load(item), .worker(step: 1, storeItems: true)))
            }
        }
        let vectors = ProtocolSamples.vectors, first = ProtocolFuzzScenario.firstEvaluationID
        let histograms = EvaluationWork.histograms(binCount: ProtocolFuzzScenario.histogramBins, maxima: ProtocolFuzzScenario.histogramMaxima)
        let jobs: [(Message, ProtocolFuzzControl)] = [
            (Message(runID: run, evaluationID: first, attempt: 1, stepHash: StepVectorHash.of(vectors), body: .job(Job(shards: shards, work: .scores(vectors)))),
             .worker(step: 2, finishJob: true)),
            (Message(runID: run, evaluationID: first + 1, attempt: 1, body: .job(Job(shards: shards, work: .maxima))),
             .worker(step: 2, finishJob: true)),
            (Message(runID: run, evaluationID: first + 2, attempt: 2, body: .job(Job(shards: shards, work: histograms))),
             .worker(step: 2, finishJob: true, jobFails: true)),
            (Message(runID: run, evaluationID: first + 3, attempt: 1, stepHash: StepVectorHash.of([.float]), body: .job(Job(shards: shards, work: .scores([.float])))),
             .worker(step: 1)),
            (Message(runID: run, evaluationID: first + 3, body: .cancel), .worker(step: 1, finishJob: true)),
        ]
        records += jobs.map { record($0.0, $0.1) }
        records.append(record(Message(runID: run, body: .heartbeat(Heartbeat(progress: 1, busy: false))), .worker(step: 4, tick: true)))
        records.append(record(Message(runID: run, body: .bye(Bye(reason: "restarting")))))
        records.append(record(ProtocolFuzzScenario.welcome))
        records.append(record(Message(runID: run, body: .heartbeat(Heartbeat(progress: 2, busy: false))), .worker(step: 6, tick: true)))
        return records
    }
}
