import LAPQCalibration
import LAPQEngine
import LAPQMath
@testable import LAPQCluster
@testable import LAPQData

/// A coordinator and its workers wired together without sockets: every frame goes through the
/// real codec, delivery order is chosen by a seeded generator (FIFO per peer, as ZeroMQ keeps
/// it), and the workers' compute is a deterministic fake. Workers can be killed (silent) or
/// stalled (heartbeats continue, progress does not).
final class ClusterSimulation {
    struct SimulatedWorker {
        var machine: WorkerStateMachine
        var inbox: [[UInt8]] = []
        var job: WorkerJob?
        /// Silent: receives and sends nothing (a stopped process, or a cut network).
        var killed = false
        /// Its connection is gone too (a killed process): the coordinator's sends to it fail.
        var disconnected = false
        var stalled = false
        /// `.cancelJob` came: the job stops at its next batch boundary (or finishes first).
        var cancelRequested = false
        var reconnectAt: Milliseconds?
        /// Simulated compute time: a job of n shards can finish n × this after it started.
        var millisecondsPerShard: Milliseconds = 0
        var jobStartedAt: Milliseconds = 0
    }

    static let samplesPerShard = 2
    static let facts = ShardFacts(layout: .nhwcUInt8, storedSampleShape: [1, 1, 1], samples: 0..<samplesPerShard,
                                  labelDType: .int64, preprocessing: .identity)
    static let modelBytes = Array("model bytes".utf8)
    /// The plan's points: the step vectors' length and the entries of a maxima answer.
    static let pointCount = 2

    var coordinator: CoordinatorStateMachine
    var workers: [PeerID: SimulatedWorker] = [:]
    var coordinatorInbox: [(PeerID, [UInt8])] = []
    var now: Milliseconds = 0
    var random: SplitMix64
    var completed: [EvaluationResult] = []
    var failed: [EvaluationFailure] = []
    var loads: [(PeerID, LoadItem)] = []
    var shardsToFail: Set<Int> = []
    /// Shards whose input every worker rejects (NaN on the data, say): answered `rejected`.
    var shardsToReject: Set<Int> = []
    /// Runs stopped by `runFailed` (a shard's numerics class has no live worker).
    var runFailures: [String] = []
    /// Jobs the workers were told to stop (CANCEL, or a reconnect).
    var cancelledJobs = 0
    /// Every JOB and STATS the coordinator sent, in order.
    var sentJobs: [Job] = []

    init(shardCount: Int, seed: UInt64, runID: UInt64 = 1, configure: (inout CoordinatorStateMachine.Configuration) -> Void = { _ in }) {
        var configuration = CoordinatorStateMachine.Configuration(
            runID: runID, model: SHA256Digest(of: Self.modelBytes), modelSize: UInt64(Self.modelBytes.count),
            shards: (0..<shardCount).map { JobShard(id: $0, sha256: SHA256Digest(of: Self.shardBytes($0))) },
            pointCount: Self.pointCount)
        configure(&configuration)
        coordinator = CoordinatorStateMachine(configuration: configuration)
        random = SplitMix64(seed: seed)
    }

    /// A new coordinator process with a new run id: the old one's state and queued frames are gone.
    func restartCoordinator(runID: UInt64) {
        var configuration = coordinator.configuration
        configuration.runID = runID
        coordinator = CoordinatorStateMachine(configuration: configuration)
        coordinatorInbox.removeAll()
        loads.removeAll()
    }

    static func shardBytes(_ id: Int) -> [UInt8] {
        (0..<facts.totalByteCount).map { UInt8(truncatingIfNeeded: id &* 31 &+ $0) }
    }

    /// The fake compute: a per-shard score that depends on the shard and the vector.
    static func score(shard id: Int, vector: StepVector) -> BatchScore {
        let vectorTerm = vector.steps.map { $0.reduce(0, +) } ?? -1
        return BatchScore(lossSum: Double(id) * 1.25 + vectorTerm / 3, top1: id % 2, count: samplesPerShard)
    }

    @discardableResult
    func addWorker(_ name: String, threads: Int = 1, cachedShards: Set<Int> = [], cachedModel: Bool = false) -> PeerID {
        let peer = Array(name.utf8)
        var configuration = WorkerStateMachine.Configuration(name: name, threads: threads)
        configuration.heartbeatIntervalMilliseconds = coordinator.configuration.heartbeatIntervalMilliseconds
        let machine = WorkerStateMachine(configuration: configuration,
                                         cachedShards: Set(cachedShards.map { SHA256Digest(of: Self.shardBytes($0)) }),
                                         cachedModel: cachedModel ? SHA256Digest(of: Self.modelBytes) : nil)
        workers[peer] = SimulatedWorker(machine: machine)
        workerEvent(peer, .connected(at: now))
        return peer
    }

    /// Kills the worker's process: it goes silent and, as ZeroMQ's monitor would, the
    /// coordinator hears that a connection closed; its later sends to the peer fail.
    func crash(_ peer: PeerID) {
        workers[peer]?.killed = true
        workers[peer]?.disconnected = true
        coordinatorEvent(.connectionClosed(at: now))
    }

    func evaluate(_ request: EvaluationRequest) {
        perform(coordinator.on(.evaluate(request, at: now)))
    }

    func coordinatorEvent(_ event: CoordinatorStateMachine.Event) {
        perform(coordinator.on(event))
    }

    /// Runs random steps until `done` or `maxSteps`; returns whether `done` held.
    @discardableResult
    func run(maxSteps: Int = 50_000, until done: () -> Bool) -> Bool {
        for _ in 0..<maxSteps {
            if done() { return true }
            step()
        }
        return done()
    }

    /// One random step: deliver a frame, finish or advance a job, or let 100 ms pass.
    func step() {
        var choices: [() -> Void] = []
        if !coordinatorInbox.isEmpty {
            choices.append {
                let (peer, frame) = self.coordinatorInbox.removeFirst()
                self.perform(self.coordinator.on(.received(Message.decode(frame: frame), from: peer, at: self.now)))
            }
        }
        for (peer, worker) in workers.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where !worker.killed {
            if !worker.inbox.isEmpty {
                choices.append {
                    let frame = self.workers[peer]?.inbox.removeFirst() ?? []
                    self.workerEvent(peer, .received(Message.decode(frame: frame), at: self.now))
                }
            }
            if let job = worker.job, !worker.stalled {
                choices.append { self.batchBoundary(on: peer) }
                if now >= worker.jobStartedAt + worker.millisecondsPerShard * Milliseconds(job.shards.count) {
                    choices.append { self.finish(job, on: peer) }
                }
            }
        }
        choices.append { self.advance(by: 100) }
        choices[Int(random.next() % UInt64(choices.count))]()
    }

    func advance(by milliseconds: Milliseconds) {
        now += milliseconds
        perform(coordinator.on(.tick(at: now)))
        for peer in workers.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where workers[peer]?.killed == false {
            if let at = workers[peer]?.reconnectAt, at <= now {
                workers[peer]?.reconnectAt = nil
                workerEvent(peer, .connected(at: now))
            }
            workerEvent(peer, .tick(at: now))
        }
    }

    /// The job finished a batch: as `WorkerComputeQueue` does, it stops here if it was cancelled.
    private func batchBoundary(on peer: PeerID) {
        guard workers[peer]?.cancelRequested == true else { return workerEvent(peer, .progressed) }
        workers[peer]?.job = nil
        workers[peer]?.cancelRequested = false
        workerEvent(peer, .jobCancelled)
    }

    private func finish(_ job: WorkerJob, on peer: PeerID) {
        workers[peer]?.job = nil
        workers[peer]?.cancelRequested = false
        let ids = job.shards.map(\.id)
        let output: ShardOutcomes<ShardAnswer>
        switch job.work {
        case let .scores(vectors):
            let failing = ids.filter(shardsToFail.contains), rejected = ids.filter(shardsToReject.contains)
            output = !rejected.isEmpty ? .rejected(shardIDs: rejected, reason: "simulated NaN")
                : failing.isEmpty
                ? .completed(Dictionary(uniqueKeysWithValues: ids.map { id in (id, .scores(vectors.map { Self.score(shard: id, vector: $0) })) }))
                : .failed(shardIDs: failing, reason: "simulated failure")
        case .maxima:
            output = .completed(Dictionary(uniqueKeysWithValues: ids.map { ($0, ShardAnswer.maxima([Double($0), 1])) }))
        case let .histograms(binCount, _):
            let counts = [Int](repeating: 1, count: binCount)
            output = .completed(Dictionary(uniqueKeysWithValues: ids.map { ($0, ShardAnswer.histograms([counts, counts])) }))
        }
        workerEvent(peer, .jobFinished(output))
    }

    func workerEvent(_ peer: PeerID, _ event: WorkerStateMachine.Event) {
        guard var worker = workers[peer] else { return }
        let actions = worker.machine.on(event)
        workers[peer] = worker
        for action in actions { perform(action, worker: peer) }
    }

    private func perform(_ action: WorkerStateMachine.Action, worker peer: PeerID) {
        switch action {
        case let .send(message):
            coordinatorInbox.append((peer, message.encoded()))
        case let .store(item):
            workerEvent(peer, .stored(item.item, item.sha256))
        case let .runJob(job):
            workers[peer]?.job = job
            workers[peer]?.jobStartedAt = now
        case .cancelJob:
            cancelledJobs += 1
            workers[peer]?.cancelRequested = true
        case let .reconnect(delay):
            workers[peer]?.inbox.removeAll()
            workers[peer]?.reconnectAt = now + delay
        case .stop:
            workers[peer]?.disconnected = true   // the process exits
        }
    }

    private func perform(_ actions: [CoordinatorStateMachine.Action]) {
        for action in actions {
            switch action {
            case let .send(message, peer):
                guard workers[peer]?.disconnected != true else {
                    perform(coordinator.on(.unreachable(peer, at: now)))   // ROUTER_MANDATORY: EHOSTUNREACH
                    continue
                }
                if case let .job(job) = message.body { sentJobs.append(job) }
                workers[peer]?.inbox.append(message.encoded())
            case let .load(item, peer):
                loads.append((peer, item))
                let bytes = item.shardID.map(Self.shardBytes) ?? Self.modelBytes
                let messages = LoadChunker.messages(item: item, bytes: bytes, sha256: SHA256Digest(of: bytes),
                                                    shardFacts: item == .model ? nil : Self.facts,
                                                    runID: coordinator.configuration.runID, chunkSize: 7)
                workers[peer]?.inbox += messages.map { $0.encoded() }
            case let .evaluationComplete(result):
                completed.append(result)
            case let .evaluationFailed(failure):
                failed.append(failure)
            case let .runFailed(_, reason):
                runFailures.append(reason)
            case .workerJoined, .workerDied, .workerClassified:
                break
            }
        }
    }
}
