import LAPQCluster
import LAPQData
import LAPQEngine

/// Plays fuzz records against a worker that is connected (and, by the setup, registered and
/// holding the scenario's items), standing in for its socket loop and compute side: it stores
/// what `.store` hands it, reconnects after `.reconnect`, and finishes the running job when a
/// control byte says so. Checks every action: messages well-formed and addressed to the
/// registered run, one job at a time and only on held items, stored bytes that hash to their
/// digest, cancels of the running job only.
struct WorkerFuzzDriver {
    private var machine: WorkerStateMachine
    private var now: Milliseconds = 0
    private var running: WorkerJob?
    /// The machine asked the running job to stop (`.cancelJob`).
    private var cancelRequested = false
    private var toStore: [StoredItem] = []
    private(set) var report = ProtocolFuzzReport()

    init(holdsItems: Bool, registered: Bool) throws(ProtocolFuzzViolation) {
        machine = WorkerStateMachine(configuration: .init(name: "fuzz", threads: 2),
                                     cachedShards: holdsItems ? Set(ProtocolFuzzScenario.shards.map(\.sha256)) : [],
                                     cachedModel: holdsItems ? ProtocolFuzzScenario.modelDigest : nil)
        try carryOut(machine.on(.connected(at: now)))
        if registered { try carryOut(machine.on(.received(.success(ProtocolFuzzScenario.welcome), at: now))) }
    }

    mutating func play(_ record: ProtocolFuzzInput.Record) throws(ProtocolFuzzViolation) {
        let control = ProtocolFuzzControl(byte: record.control)
        now += control.workerTimeStep
        report.count(frameDecoded: try ProtocolFuzzCodecCheck.decode(record.frame) != nil)
        try carryOut(machine.on(.received(Message.decode(frame: record.frame), at: now)))
        if control.storesItems {
            let items = toStore
            toStore.removeAll()
            for item in items {
                let event: WorkerStateMachine.Event = control.storingFails
                    ? .storeFailed(item.item, item.sha256, reason: "disk full") : .stored(item.item, item.sha256)
                try carryOut(machine.on(event))
                report.itemsStored += control.storingFails ? 0 : 1
            }
        }
        if control.finishesJob, let job = running {
            running = nil
            // A cancelled job either stops at its next batch boundary or finished before it looked.
            let stops = cancelRequested && control.jobFails
            cancelRequested = false
            try carryOut(machine.on(.progressed))
            try carryOut(machine.on(stops ? .jobCancelled : .jobFinished(Self.output(of: job, failing: control.jobFails))))
        }
        if control.workerTicks { try carryOut(machine.on(.tick(at: now))) }
    }

    /// What the compute side would report: a value for every shard, or a failure naming them.
    static func output(of job: WorkerJob, failing: Bool) -> ShardOutcomes<ShardAnswer> {
        let ids = job.shards.map(\.id)
        guard !failing else { return .failed(shardIDs: ids, reason: "fuzz failure") }
        let answer: ShardAnswer
        switch job.work {
        case let .scores(vectors):
            answer = .scores(vectors.map { _ in BatchScore(lossSum: 0.5, top1: 1, count: 1) })
        case .maxima:
            answer = .maxima([1, 0.5, 2])
        case let .histograms(_, maxima):
            // Bins per point (up to 2^24 of them) would cost memory the fuzzer does not need;
            // nil per point ("no histogram") is a valid answer of the same shape.
            answer = .histograms([[Int]?](repeating: nil, count: maxima.count))
        }
        return .completed(Dictionary(uniqueKeysWithValues: ids.map { ($0, answer) }))
    }

    private mutating func carryOut(_ actions: [WorkerStateMachine.Action]) throws(ProtocolFuzzViolation) {
        for action in actions { try check(action) }
    }

    private mutating func check(_ action: WorkerStateMachine.Action) throws(ProtocolFuzzViolation) {
        switch action {
        case let .send(message):
            try check(message)
        case let .store(item):
            guard SHA256Digest(of: item.bytes) == item.sha256, (item.item == .model) == (item.shardFacts == nil),
                  item.shardFacts.map({ $0.totalByteCount == item.bytes.count }) ?? true else {
                throw ProtocolFuzzViolation("store of \(item.item): \(item.bytes.count) bytes that do not fit its digest or facts")
            }
            toStore.append(item)
        case let .runJob(job):
            guard running == nil else { throw ProtocolFuzzViolation("job of evaluation \(job.evaluationID) started beside another") }
            guard !job.shards.isEmpty, machine.heldModel != nil, job.shards.allSatisfy({ machine.heldShards.contains($0.sha256) }),
                  job.runID == machine.runID else {
                throw ProtocolFuzzViolation("job of evaluation \(job.evaluationID) on shards or a model the worker does not hold")
            }
            running = job
            cancelRequested = false
            report.jobsRun += 1
        case let .cancelJob(evaluationID):
            guard running?.evaluationID == evaluationID else { throw ProtocolFuzzViolation("cancel of evaluation \(evaluationID), not running") }
            cancelRequested = true
        case .stop:
            // A frame of another protocol version (or a model that keeps failing) ends the worker;
            // the state machine ignores everything after it.
            break
        case let .reconnect(delay):
            guard delay <= machine.configuration.maxBackoffMilliseconds else { throw ProtocolFuzzViolation("reconnect after \(delay) ms") }
            now += delay
            try carryOut(machine.on(.connected(at: now)))
        }
    }

    private mutating func check(_ message: Message) throws(ProtocolFuzzViolation) {
        try ProtocolFuzzCodecCheck.checkWellFormed(message)
        switch message.body {
        case .hello:
            guard message.runID == 0 else { throw ProtocolFuzzViolation("HELLO of run \(message.runID)") }
        case .loaded, .heartbeat, .result:
            guard let runID = machine.runID, message.runID == runID else {
                throw ProtocolFuzzViolation("\(message.type) of run \(message.runID) from a worker registered with \(String(describing: machine.runID))")
            }
            if case .result = message.body { report.jobsAnswered += 1 }
        case .welcome, .load, .job, .cancel, .bye:
            throw ProtocolFuzzViolation("worker sent \(message.type)")
        }
    }
}
