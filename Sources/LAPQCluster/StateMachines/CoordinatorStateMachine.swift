import LAPQData

/// The coordinator's side of the protocol as a value-type state machine: the workers table,
/// sticky shard assignment by capacity, the open evaluation's per-shard answers, liveness,
/// retries and speculation. The socket loop feeds it events (with the time) and carries out
/// its actions; docs/protocol.md has its state table and failure rules.
///
/// Exactness: an evaluation completes only when every shard has one accepted answer, and the
/// answers are handed out per shard, so the caller's `reduceInShardOrder` gives the same loss
/// whatever the worker count, arrival order, retries or reassignments.
public struct CoordinatorStateMachine: Sendable {
    public struct Configuration: Sendable {
        /// New on every coordinator (re)start; messages of other runs are dropped.
        public var runID: UInt64
        public var model: SHA256Digest
        public var modelSize: UInt64
        /// Every shard of every data set, in reduction order.
        public var shards: [JobShard]
        /// The data sets an evaluation may cover, as the ids of their shards: set 0 is the
        /// calibration set, set 1 the validation set of a calibration with `--val`. They
        /// partition `shards` (checked when the state machine is made); each is balanced over
        /// the workers on its own.
        public var shardSets: [[Int]]
        /// The plan's quantization points: the entries of every statistics answer, so that one
        /// of another length is refused instead of reaching the oracle's per-point merge.
        public var pointCount: Int
        public var heartbeatIntervalMilliseconds: Milliseconds = 1000
        /// Silent this many intervals → dead (a stopped or unreachable process).
        public var missedIntervals: UInt64 = 5
        /// Busy this long without finishing a shard (heartbeats still coming) → dead: a worker
        /// whose computation hangs. Generous, because one shard of a large model on a slow
        /// machine can legitimately take minutes; a dead machine is caught by the silence rule.
        public var stallMilliseconds: Milliseconds = 300_000
        /// Failures of one shard that fail the evaluation (`--max-shard-failures`). A failure is
        /// a worker's error answer for the shard, or the death of a worker while it computed the
        /// shard — not the death of a worker that merely held it or was loading it (Dask's
        /// `allowed-failures` counts those too, which preemptible clusters then have to raise).
        public var maxAttempts = 3
        /// Fraction of shards done after which open shards are also sent to idle workers.
        public var speculationFraction = 0.9
        /// Evaluations wait until this many workers are registered.
        public var minWorkers = 1
        /// LOADs (model or shard) streaming to one worker at a time; the next starts when the
        /// worker answers LOADED. Bounds the coordinator's reads and the bytes queued in its
        /// socket per worker, however large the calibration set (a shard is read and chunked
        /// on the socket thread), and stays far below ZeroMQ's 1000-message high-water mark.
        public var loadWindow = 4
        /// Let a shard move to workers of another numerics class when its own has none left
        /// (`--allow-mixed-numerics`); otherwise the run stops (see `enforceNumericsClasses`).
        public var allowMixedNumerics = false

        /// `shardSets` nil: one set of every shard.
        public init(runID: UInt64, model: SHA256Digest, modelSize: UInt64, shards: [JobShard], shardSets: [[Int]]? = nil,
                    pointCount: Int) {
            precondition(!shards.isEmpty && Set(shards.map(\.id)).count == shards.count, "shard ids are distinct, at least one")
            precondition(pointCount >= 0, "point count \(pointCount)")
            self.runID = runID
            self.model = model
            self.modelSize = modelSize
            self.shards = shards
            self.shardSets = shardSets ?? [shards.map(\.id)]
            self.pointCount = pointCount
        }
    }

    public enum Event: Sendable {
        /// A frame from `peer`, decoded by `Message.decode(frame:)`.
        case received(Result<Message, ProtocolError>, from: PeerID, at: Milliseconds)
        /// Time passes; call at least a few times per heartbeat interval.
        case tick(at: Milliseconds)
        /// Start an evaluation (the first waits for `minWorkers`); at most one is open at a time.
        case evaluate(EvaluationRequest, at: Milliseconds)
        /// A send to `peer` failed because its connection is gone (`EHOSTUNREACH` on the
        /// ROUTER): the worker is dead now, not after `missedIntervals` of silence.
        case unreachable(PeerID, at: Milliseconds)
        /// The socket monitor saw a connection close, without saying whose: every live worker
        /// is sent a heartbeat at once, and the one whose send fails is `unreachable`.
        case connectionClosed(at: Milliseconds)
        /// The caller gave up on this evaluation (its wait timed out): it is forgotten, and the
        /// workers computing it are sent CANCEL, so the next evaluation can start.
        case abandon(evaluationID: UInt64)
    }

    public enum Action: Equatable, Sendable {
        case send(Message, to: PeerID)
        /// Stream the item to the peer: `LoadChunker.messages(item:bytes:sha256:shardFacts:runID:)`.
        case load(LoadItem, to: PeerID)
        case evaluationComplete(EvaluationResult)
        case evaluationFailed(EvaluationFailure)
        /// The run cannot go on exactly (a shard's numerics class has no live worker).
        case runFailed(evaluationID: UInt64, reason: String)
        case workerJoined(WorkerRecord)
        /// The worker's numerics class is known (it holds the model).
        case workerClassified(WorkerRecord)
        case workerDied(WorkerRecord, reason: String)
    }

    public let configuration: Configuration
    public internal(set) var counters = CoordinatorCounters()
    /// Every worker that registered in this run, by identity (dead ones stay, `alive == false`).
    public internal(set) var workers: [PeerID: WorkerRecord] = [:]
    /// Shard id → the worker that owns it (sticky until that worker dies or a rebalance moves it).
    public internal(set) var assignment: [Int: PeerID] = [:]
    var shardsByID: [Int: JobShard]
    /// Shard id → the numerics class (fingerprint) bound to it by its first answer.
    var shardClass: [Int: UInt64] = [:]
    /// Every numerics class that answered a shard in this run, with those shards.
    public internal(set) var numericsClasses = NumericsClasses()
    var nextWorkerID: UInt32 = 1
    var lastHeartbeat: Milliseconds = 0
    var phase = CoordinatorPhase.idle(beforeFirstEvaluation: true)
    /// The latest evaluation asked for (ids increase within a run); heartbeats carry it.
    var lastEvaluationID: UInt64 = 0

    public init(configuration: Configuration) {
        precondition(configuration.shardSets.allSatisfy { !$0.isEmpty }
                     && configuration.shardSets.joined().sorted() == configuration.shards.map(\.id).sorted(),
                     "shard sets partition the shards, none empty")
        self.configuration = configuration
        self.shardsByID = Dictionary(uniqueKeysWithValues: configuration.shards.map { ($0.id, $0) })
    }

    var interval: Milliseconds { configuration.heartbeatIntervalMilliseconds }
    var alivePeers: [PeerID] { workers.values.filter(\.alive).sorted { $0.workerID < $1.workerID }.map(\.peer) }
    /// The evaluation waiting for workers or running, if any.
    public var activeEvaluationID: UInt64? { open?.request.id ?? pending?.id }

    public mutating func on(_ event: Event) -> [Action] {
        switch event {
        case let .received(decoded, peer, now):
            return receive(decoded, from: peer, at: now)
        case let .tick(now):
            return tick(at: now)
        case let .evaluate(request, now):
            precondition(activeEvaluationID == nil, "one evaluation at a time")
            precondition(request.id > lastEvaluationID, "evaluation ids increase within a run")
            precondition(configuration.shardSets.indices.contains(request.shardSet), "shard set \(request.shardSet) exists")
            lastEvaluationID = request.id
            phase = .waitingForWorkers(request, firstEvaluation: phase.isBeforeFirstEvaluation)
            return startPendingIfReady(at: now)
        case let .unreachable(peer, now):
            return declareDead(peer, reason: "disconnected", notify: false, at: now)
        case .connectionClosed:
            return alivePeers.map { .send(heartbeatMessage, to: $0) }
        case let .abandon(id):
            if case let .waitingForWorkers(request, first) = phase, request.id == id {
                phase = .idle(beforeFirstEvaluation: first)
                counters.abandonedEvaluations += 1
                return []
            }
            guard open?.request.id == id else { return [] }
            counters.abandonedEvaluations += 1
            return close()
        }
    }

    var heartbeatMessage: Message {
        Message(runID: configuration.runID, body: .heartbeat(Heartbeat(progress: lastEvaluationID, busy: open != nil)))
    }

    mutating func startPendingIfReady(at now: Milliseconds) -> [Action] {
        // `minWorkers` gates only the run's first evaluation (see `CoordinatorPhase`).
        guard case let .waitingForWorkers(request, first) = phase,
              alivePeers.count >= (first ? max(configuration.minWorkers, 1) : 1) else { return [] }
        let ids = configuration.shardSets[request.shardSet]
        phase = .evaluating(OpenEvaluation(request: request, shards: Dictionary(uniqueKeysWithValues: ids.map { ($0, ShardProgress()) })))
        rebalance(releasingExcess: true)
        return dispatch(at: now)
    }

    private mutating func tick(at now: Milliseconds) -> [Action] {
        var actions: [Action] = []
        let limit = configuration.missedIntervals * interval
        for peer in alivePeers {
            guard let record = workers[peer] else { continue }
            if now >= record.lastHeard + limit {
                actions += declareDead(peer, reason: "no message for \(now - record.lastHeard) ms", at: now)
            } else if isBusy(peer), now >= record.lastProgressAt + configuration.stallMilliseconds {
                actions += declareDead(peer, reason: "busy without progress for \(now - record.lastProgressAt) ms", at: now)
            }
        }
        if now >= lastHeartbeat + interval {
            lastHeartbeat = now
            actions += alivePeers.map { .send(heartbeatMessage, to: $0) }
        }
        if open != nil, speculate(at: now) {   // a straggler's deadline may have passed since the last answer
            actions += dispatch(at: now)
        }
        return actions
    }

    /// Whether `peer` has shards of the open evaluation to compute.
    func isBusy(_ peer: PeerID) -> Bool {
        open?.shards.values.contains { !$0.isDone && $0.placements[peer] == .running } ?? false
    }

    /// Marks the worker dead and (`notify`) tells it so — a stalled process that recovers says
    /// HELLO again —, releases its shards and re-places every open shard it had; a shard it was
    /// computing (JOB sent) counts a failure, one it was still loading does not. The next
    /// dispatch re-sends them to the new owners with attempt + 1.
    mutating func declareDead(_ peer: PeerID, reason: String, notify: Bool = true, at now: Milliseconds) -> [Action] {
        guard var record = workers[peer], record.alive else { return [] }
        record.alive = false
        workers[peer] = record
        counters.workersDeclaredDead += 1
        for (shard, owner) in assignment where owner == peer { assignment[shard] = nil }
        var actions: [Action] = [.workerDied(record, reason: reason)]
        if notify { actions.insert(.send(Message(runID: configuration.runID, body: .bye(Bye(truncating: reason))), to: peer), at: 0) }
        let lost = open?.shards.filter { !$0.value.isDone && $0.value.placements[peer] != nil }.keys.sorted() ?? []
        for id in lost {
            let computing = open?.shards[id]?.placements[peer] == .running
            actions += lose(shard: id, on: peer, reason: "worker \(record.name) (\(record.workerID)): \(reason)",
                            countsAsFailure: computing)
            if open == nil { return actions }
        }
        rebalance(releasingExcess: false)
        return actions + dispatch(at: now)
    }

    /// Removes the shard's placement on `peer`; with `countsAsFailure`, counts a failure, and
    /// when that was the last allowed one closes the evaluation (CANCEL to the others,
    /// evaluation failed).
    mutating func lose(shard id: Int, on peer: PeerID, reason: String, countsAsFailure: Bool = true) -> [Action] {
        guard var evaluation = open, var progress = evaluation.shards[id] else { return [] }
        progress.placements[peer] = nil
        progress.attempt += 1
        evaluation.placementsChanged = true   // the shard needs a new home at the next dispatch
        guard countsAsFailure else {
            counters.abandonedShardLoads += 1
            evaluation.shards[id] = progress
            open = evaluation
            return []
        }
        counters.failedShardAttempts += 1
        progress.failureReasons.append(reason)
        evaluation.shards[id] = progress
        open = evaluation
        guard progress.failureReasons.count >= configuration.maxAttempts else { return [] }
        let failure = EvaluationFailure(evaluationID: evaluation.request.id, shardID: id,
                                        attempts: progress.failureReasons.count, reasons: progress.failureReasons)
        return close() + [.evaluationFailed(failure)]
    }

    /// Ends the open evaluation: CANCEL to every live worker still computing part of it.
    mutating func close() -> [Action] {
        guard let evaluation = open else { return [] }
        open = nil
        let cancel = Message(runID: configuration.runID, evaluationID: evaluation.request.id, body: .cancel)
        let computing = Set(evaluation.shards.values.flatMap(\.placements.keys))
        return alivePeers.filter(computing.contains).map { .send(cancel, to: $0) }
    }
}
