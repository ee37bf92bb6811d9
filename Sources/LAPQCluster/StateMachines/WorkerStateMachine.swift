import LAPQData

/// The worker's side of the protocol as a value-type state machine (in the style of
/// SwiftNIO's): the socket loop feeds it events — with the time, since it reads no clock — and
/// carries out the actions it returns. docs/protocol.md has its state table.
///
///     disconnected ─connected→ awaitingWelcome ─WELCOME→ registered
///          ↑                        │ silent 5 intervals      │ silent 5 intervals / BYE
///          └──────── reconnect(after: backoff) ←──────────────┘
///     any ─a frame of another protocol version / the model fails to load maxModelLoadFailures times→ stopped
public struct WorkerStateMachine: Sendable {
    public struct Configuration: Sendable {
        public var name: String
        public var threads: Int
        /// Used until WELCOME names the coordinator's interval.
        public var heartbeatIntervalMilliseconds: Milliseconds = 1000
        /// Coordinator silent this many intervals → reconnect.
        public var missedIntervals: UInt64 = 5
        /// Reconnect delays double from one interval up to this.
        public var maxBackoffMilliseconds: Milliseconds = 30_000
        /// Items announced larger than this are refused (LOADED failed).
        public var maxItemSize: UInt64 = 16 << 30
        /// The coordinator's model failing to load this many times in a row, across sessions,
        /// stops the worker (`Action.stop`): such a failure (an op this build lacks, a package it
        /// cannot read) repeats on every attempt, and the coordinator would drop the worker and
        /// take it back forever. The coordinator's default `maxAttempts` is the same.
        public var maxModelLoadFailures = 3

        public init(name: String, threads: Int) {
            precondition(threads > 0, "a worker has at least one thread")
            self.name = name
            self.threads = threads
        }
    }

    public enum Event: Sendable {
        /// The socket is connected (first time or after `.reconnect`).
        case connected(at: Milliseconds)
        /// A frame from the coordinator, decoded by `Message.decode(frame:)`.
        case received(Result<Message, ProtocolError>, at: Milliseconds)
        /// Time passes; call at least a few times per heartbeat interval.
        case tick(at: Milliseconds)
        /// The loop kept an item `.store` handed it.
        /// The item is kept; for the model, with this machine's `NumericsFingerprint`.
        case stored(LoadItem, SHA256Digest, fingerprint: UInt64 = 0)
        case storeFailed(LoadItem, SHA256Digest, reason: String)
        /// The running job finished one unit of work (a batch); heartbeats carry the count.
        case progressed
        /// The running job (`.runJob`) ended: its answer per shard, or why it failed.
        case jobFinished(ShardOutcomes<ShardAnswer>)
        /// The running job stopped early after `.cancelJob`, between two batches: no answer.
        case jobCancelled
    }

    public enum Action: Equatable, Sendable {
        case send(Message)
        case store(StoredItem)
        /// Start this job; one runs at a time, the next comes after `.jobFinished`.
        case runJob(WorkerJob)
        /// Stop the running job at its next batch boundary and report `.jobCancelled`; a job
        /// that ends first reports `.jobFinished` as usual (its answer is dropped, or sent when
        /// the worker registered with the job's run again, so the work is not lost).
        case cancelJob(evaluationID: UInt64)
        /// Close the socket, wait, connect again, then send `.connected`.
        case reconnect(afterMilliseconds: Milliseconds)
        /// Give up for good, naming why: the coordinator speaks another protocol version, or its
        /// model cannot be loaded here. The process should exit with `reason`.
        case stop(reason: String)
    }

    enum Connection: Equatable, Sendable {
        case disconnected
        case awaitingWelcome
        case registered(runID: UInt64, workerID: UInt32)
        /// After `Action.stop`: every event is ignored.
        case stopped
    }

    public let configuration: Configuration
    public internal(set) var counters = WorkerCounters()
    /// Units of work done since the process started; never reset.
    public internal(set) var progress: UInt64 = 0
    /// SHA-256 of the shards and the model the worker holds.
    public internal(set) var heldShards: Set<SHA256Digest>
    public internal(set) var heldModel: SHA256Digest?
    /// The `NumericsFingerprint` of `heldModel` on this machine.
    public internal(set) var modelFingerprint: UInt64 = 0
    var connection = Connection.disconnected
    var interval: Milliseconds
    var lastHeard: Milliseconds = 0
    var lastHeartbeat: Milliseconds = 0
    var reconnectFailures: UInt64 = 0
    var assemblies: [LoadItem: ItemAssembly] = [:]
    var running: WorkerJob?
    var queue: [WorkerJob] = []
    /// Recently cancelled evaluations (bounded: ids only grow within a run).
    var cancelled: [UInt64] = []
    /// Consecutive failures to load the model of this digest (reset when a model loads).
    var modelLoadFailures: (model: SHA256Digest, count: Int)?

    /// - Parameters: cachedShards, cachedModel: what the worker's disk cache already holds.
    public init(configuration: Configuration, cachedShards: Set<SHA256Digest> = [], cachedModel: SHA256Digest? = nil,
                cachedFingerprint: UInt64 = 0) {
        self.configuration = configuration
        self.heldShards = cachedShards
        self.heldModel = cachedModel
        self.modelFingerprint = cachedFingerprint
        self.interval = configuration.heartbeatIntervalMilliseconds
    }

    /// The run the worker is registered with, if any.
    public var runID: UInt64? {
        if case let .registered(runID, _) = connection { return runID }
        return nil
    }

    /// Whether a job is running or queued.
    public var isBusy: Bool { running != nil || !queue.isEmpty }

    public mutating func on(_ event: Event) -> [Action] {
        guard connection != .stopped else { return [] }
        switch event {
        case let .connected(now):
            return connect(at: now)
        case let .received(decoded, now):
            return receive(decoded, at: now)
        case let .tick(now):
            return tick(at: now)
        case let .stored(item, digest, fingerprint):
            if item == .model {
                heldModel = digest
                modelFingerprint = fingerprint
                modelLoadFailures = nil
            } else {
                heldShards.insert(digest)
            }
            return reply(.loaded(Loaded(item: item, sha256: digest, fingerprint: fingerprint)))
        case let .storeFailed(item, digest, reason):
            counters.failedLoads += 1
            let answer = reply(.loaded(Loaded(item: item, sha256: digest, failure: reason)))
            guard item == .model else { return answer }
            let count = modelLoadFailures?.model == digest ? (modelLoadFailures?.count ?? 0) + 1 : 1
            modelLoadFailures = (digest, count)
            guard count >= configuration.maxModelLoadFailures else { return answer }
            return answer + stop(reason: "the coordinator's model (SHA-256 \(digest.hex)) failed to load here \(count) times: \(reason)")
        case .progressed:
            progress &+= 1
            return []
        case let .jobFinished(output):
            return finish(output)
        case .jobCancelled:
            return finishCancelled()
        }
    }

    private mutating func connect(at now: Milliseconds) -> [Action] {
        connection = .awaitingWelcome
        lastHeard = now
        let hello = Hello(workerName: configuration.name, threads: configuration.threads,
                          cachedShards: heldShards.sorted { $0.hex < $1.hex }, model: heldModel, fingerprint: modelFingerprint)
        return [.send(Message(runID: 0, body: .hello(hello)))]
    }

    private mutating func tick(at now: Milliseconds) -> [Action] {
        guard connection != .disconnected else { return [] }
        if now >= lastHeard + configuration.missedIntervals * interval {
            return disconnect(reason: "coordinator silent")
        }
        guard case let .registered(runID, _) = connection, now >= lastHeartbeat + interval else { return [] }
        lastHeartbeat = now
        return [.send(Message(runID: runID, body: .heartbeat(Heartbeat(progress: progress, busy: isBusy))))]
    }

    /// Drops the session: queued jobs and partial loads are abandoned (the coordinator re-sends
    /// them after the next HELLO), the running job is asked to stop (its answer, addressed to
    /// the old session's run, is sent only if the worker registers with that run again), and the
    /// loop is told to reconnect after the backoff.
    mutating func disconnect(reason: String) -> [Action] {
        var actions: [Action] = running.map { [.cancelJob(evaluationID: $0.evaluationID)] } ?? []
        if let running { remember(cancelled: running.evaluationID) }
        queue.removeAll()
        assemblies.removeAll()
        connection = .disconnected
        let delay = min(configuration.maxBackoffMilliseconds, interval << min(reconnectFailures, 16))
        reconnectFailures += 1
        actions.append(.reconnect(afterMilliseconds: delay))
        return actions
    }

    /// Ends the worker for good (`Connection.stopped`): the running job is asked to stop, and
    /// the loop to exit with `reason`.
    mutating func stop(reason: String) -> [Action] {
        let actions: [Action] = running.map { [.cancelJob(evaluationID: $0.evaluationID)] } ?? []
        queue.removeAll()
        assemblies.removeAll()
        connection = .stopped
        return actions + [.stop(reason: reason)]
    }

    /// A message to the coordinator of the current run; nothing when not registered.
    func reply(_ body: Message.Body, evaluationID: UInt64 = 0, attempt: UInt16 = 0, stepHash: UInt64 = 0) -> [Action] {
        guard let runID else { return [] }
        return [.send(Message(runID: runID, evaluationID: evaluationID, attempt: attempt, stepHash: stepHash, body: body))]
    }

    mutating func remember(cancelled evaluationID: UInt64) {
        cancelled.append(evaluationID)
        if cancelled.count > 64 { cancelled.removeFirst() }
    }
}
