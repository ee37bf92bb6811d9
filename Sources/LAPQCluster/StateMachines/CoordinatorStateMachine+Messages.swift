import LAPQData

/// What the coordinator does with each message from a worker.
extension CoordinatorStateMachine {
    mutating func receive(_ decoded: Result<Message, ProtocolError>, from peer: PeerID, at now: Milliseconds) -> [Action] {
        let message: Message
        switch decoded {
        case let .success(decodedMessage):
            message = decodedMessage
        case let .failure(.wrongVersion(version)):
            // A worker of another release: its HELLO cannot be read, but it can be told why, in
            // a BYE whose header it can read (the version field comes before anything else).
            counters.malformed += 1
            let reason = "protocol version \(version), coordinator speaks \(ProtocolConstants.version)"
            return [.send(Message(runID: configuration.runID, body: .bye(Bye(reason: reason))), to: peer)]
        case .failure:
            counters.malformed += 1
            return []
        }
        if case let .hello(hello) = message.body { return register(hello, peer: peer, at: now) }
        guard message.runID == configuration.runID else {
            counters.foreignRun += 1
            return []
        }
        guard workers[peer]?.alive == true else {
            counters.unknownPeer += 1
            return [.send(Message(runID: configuration.runID, body: .bye(Bye(reason: "not a registered worker of this run; say HELLO"))), to: peer)]
        }
        workers[peer]?.lastHeard = now
        switch message.body {
        case let .heartbeat(heartbeat):
            if workers[peer]?.progress != heartbeat.progress {
                workers[peer]?.progress = heartbeat.progress
                workers[peer]?.lastProgressAt = now
            }
            return []
        case let .loaded(loaded):
            return handleLoaded(loaded, from: peer, at: now)
        case let .result(result):
            return handleAnswer(message, result: result, from: peer, at: now)
        case let .bye(bye):
            return declareDead(peer, reason: "said BYE: \(bye.reason)", notify: false, at: now)
        case .hello, .welcome, .load, .job, .cancel:
            counters.unexpected += 1
            return []
        }
    }

    /// A new (or reconnected) worker: WELCOME, the model if it lacks it, and — during an
    /// evaluation — any orphaned shards; it gets a full share at the next evaluation.
    private mutating func register(_ hello: Hello, peer: PeerID, at now: Milliseconds) -> [Action] {
        guard hello.protocolVersion == ProtocolConstants.version else {
            counters.rejectedHellos += 1
            let reason = "protocol version \(hello.protocolVersion), coordinator speaks \(ProtocolConstants.version)"
            return [.send(Message(runID: configuration.runID, body: .bye(Bye(reason: reason))), to: peer)]
        }
        var actions = declareDead(peer, reason: "registered again", notify: false, at: now)
        let record = WorkerRecord(peer: peer, workerID: nextWorkerID, name: hello.workerName, threads: hello.threads,
                                  heldShards: Set(hello.cachedShards),
                                  fingerprint: hello.model == configuration.model ? hello.fingerprint : nil,
                                  lastHeard: now, progress: 0, lastProgressAt: now, alive: true)
        nextWorkerID += 1
        let welcome = Welcome(workerID: record.workerID, heartbeatIntervalMilliseconds: UInt32(clamping: interval),
                              modelSHA256: configuration.model, modelSize: configuration.modelSize)
        actions += [.send(Message(runID: configuration.runID, body: .welcome(welcome)), to: peer), .workerJoined(record)]
        workers[peer] = record
        actions += record.hasModel ? [.workerClassified(record)] : requestLoad(.model, for: peer)
        guard open != nil else { return actions + startPendingIfReady(at: now) }
        rebalance(releasingExcess: false)
        return actions + dispatch(at: now)
    }

    /// A LOADED frees a slot of the worker's load window (the next queued LOAD goes out), then
    /// counts as held or as a failed attempt.
    private mutating func handleLoaded(_ loaded: Loaded, from peer: PeerID, at now: Milliseconds) -> [Action] {
        guard var record = workers[peer], record.loading.remove(loaded.item) != nil else {
            counters.unexpected += 1
            return []
        }
        workers[peer] = record
        return releaseQueuedLoads(peer) + answerLoaded(loaded, from: peer, at: now)
    }

    private mutating func answerLoaded(_ loaded: Loaded, from peer: PeerID, at now: Milliseconds) -> [Action] {
        guard var record = workers[peer] else { return [] }
        let expected = loaded.item == .model ? configuration.model : loaded.item.shardID.flatMap { shardsByID[$0]?.sha256 }
        if loaded.failure == nil, loaded.sha256 == expected {
            if loaded.item == .model {
                record.fingerprint = loaded.fingerprint
                workers[peer] = record
                return [.workerClassified(record)] + dispatch(at: now)
            }
            record.heldShards.insert(loaded.sha256)
            workers[peer] = record
            return dispatch(at: now)
        }
        counters.failedLoads += 1
        let reason = "loading \(loaded.item) on worker \(record.name) failed: \(loaded.failure ?? "wrong SHA-256 \(loaded.sha256)")"
        guard case let .shard(id) = loaded.item else {
            record.modelLoadFailures += 1
            workers[peer] = record
            guard record.modelLoadFailures >= configuration.maxAttempts else { return requestLoad(.model, for: peer) }
            return declareDead(peer, reason: reason, at: now)
        }
        workers[peer] = record
        guard open?.shards[id]?.placements[peer] != nil else { return [] }
        let actions = lose(shard: id, on: peer, reason: reason)
        guard open != nil else { return actions }
        replace(shard: id, avoiding: peer)
        return actions + dispatch(at: now)
    }

    /// After a failure on `peer`, places the shard on another live worker (the least loaded;
    /// `peer` itself only when it is the last one), unless a copy is still being computed.
    mutating func replace(shard id: Int, avoiding peer: PeerID) {
        guard open?.shards[id]?.placements.isEmpty == true else { return }
        let others = alivePeers.filter { $0 != peer && mayCompute($0, shard: id) }
        let candidates = others.isEmpty ? alivePeers.filter { mayCompute($0, shard: id) } : others
        let loads = candidates.map { runningCount($0) }
        guard let chosen = candidates.indices.min(by: { (loads[$0], $0) < (loads[$1], $1) }).map({ candidates[$0] }) else { return }
        open?.shards[id]?.placements[chosen] = .awaitingLoad
        open?.placementsChanged = true
    }
}

extension LoadItem {
    /// The shard's id, nil for the model.
    public var shardID: Int? {
        if case let .shard(id) = self { return id }
        return nil
    }
}
