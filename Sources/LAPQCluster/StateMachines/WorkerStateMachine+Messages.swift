import LAPQData

/// What the worker does with each message from the coordinator.
extension WorkerStateMachine {
    mutating func receive(_ decoded: Result<Message, ProtocolError>, at now: Milliseconds) -> [Action] {
        let message: Message
        switch decoded {
        case let .success(decodedMessage):
            message = decodedMessage
        case let .failure(.wrongVersion(version)) where connection != .disconnected:
            // Every frame of that coordinator will be refused, and it refuses ours: say so and stop
            // rather than reconnect forever.
            counters.malformed += 1
            return stop(reason: "the coordinator speaks lapq protocol version \(version), this worker \(ProtocolConstants.version); "
                        + "run lapq-worker of the coordinator's release")
        case .failure:
            counters.malformed += 1
            return []
        }
        switch (connection, message.body) {
        case let (.awaitingWelcome, .welcome(welcome)):
            return register(welcome, runID: message.runID, at: now)
        case (.disconnected, _), (.stopped, _):
            counters.unexpected += 1
            return []
        case let (_, .bye(bye)):
            return disconnect(reason: "coordinator said BYE: \(bye.reason)")
        case (.awaitingWelcome, _):
            counters.unexpected += 1
            return []
        case let (.registered(runID, _), _) where message.runID != runID:
            counters.foreignRun += 1
            return []
        case (.registered, _):
            lastHeard = now
            return handle(message)
        }
    }

    private mutating func register(_ welcome: Welcome, runID: UInt64, at now: Milliseconds) -> [Action] {
        connection = .registered(runID: runID, workerID: welcome.workerID)
        interval = Milliseconds(welcome.heartbeatIntervalMilliseconds)
        lastHeard = now
        lastHeartbeat = now
        reconnectFailures = 0
        cancelled.removeAll()
        return []
    }

    private mutating func handle(_ message: Message) -> [Action] {
        switch message.body {
        case let .load(chunk):
            return assemble(chunk)
        case let .job(job):
            // A STATS header's step hash is not checked by the decoder; its answer carries 0.
            return accept(WorkerJob(runID: message.runID, evaluationID: message.evaluationID, attempt: message.attempt,
                                    stepHash: job.work.isScores ? message.stepHash : 0, shards: job.shards, work: job.work))
        case .cancel:
            return cancel(message.evaluationID)
        case .heartbeat:
            return []
        case .hello, .welcome, .loaded, .result, .bye:
            counters.unexpected += 1
            return []
        }
    }

    private mutating func assemble(_ chunk: LoadChunk) -> [Action] {
        if chunk.offset == 0 {
            guard chunk.totalSize <= configuration.maxItemSize else {
                return failLoad(chunk.item, chunk.sha256, "\(chunk.totalSize) bytes exceed this worker's limit of \(configuration.maxItemSize)")
            }
            assemblies[chunk.item] = ItemAssembly(sha256: chunk.sha256, totalSize: chunk.totalSize, shardFacts: chunk.shardFacts, bytes: [])
        }
        guard var assembly = assemblies[chunk.item], assembly.accepts(chunk) else {
            assemblies[chunk.item] = nil
            return failLoad(chunk.item, chunk.sha256, "chunk at offset \(chunk.offset) does not continue the item")
        }
        assembly.bytes.append(contentsOf: chunk.bytes)
        guard UInt64(assembly.bytes.count) == assembly.totalSize else {
            assemblies[chunk.item] = assembly
            return []
        }
        assemblies[chunk.item] = nil
        let actual = SHA256Digest(of: assembly.bytes)
        guard actual == assembly.sha256 else {
            return failLoad(chunk.item, assembly.sha256, "received bytes hash to \(actual.hex)")
        }
        return [.store(StoredItem(item: chunk.item, sha256: actual, bytes: assembly.bytes, shardFacts: assembly.shardFacts))]
    }

    private mutating func failLoad(_ item: LoadItem, _ digest: SHA256Digest, _ reason: String) -> [Action] {
        counters.failedLoads += 1
        return reply(.loaded(Loaded(item: item, sha256: digest, failure: reason)))
    }

    /// Queues a job, first answering as failed the shards (or model) this worker does not hold.
    private mutating func accept(_ job: WorkerJob) -> [Action] {
        guard !cancelled.contains(job.evaluationID) else {
            counters.cancelledEvaluation += 1
            return []
        }
        let missing = heldModel == nil ? job.shards : job.shards.filter { !heldShards.contains($0.sha256) }
        var actions: [Action] = []
        if !missing.isEmpty {
            let reason = heldModel == nil ? "model not loaded" : "shard not loaded"
            actions += answer(job, output: .failed(shardIDs: missing.map(\.id), reason: reason))
        }
        var runnable = job
        runnable.shards = job.shards.filter { shard in !missing.contains(shard) }
        guard !runnable.shards.isEmpty else { return actions }
        actions += supersede(before: job.evaluationID)
        queue.append(runnable)
        return actions + startNext()
    }

    /// The coordinator runs one evaluation at a time with increasing ids, so a job of a later
    /// evaluation means every earlier one is over for it: stop them even if their CANCEL was
    /// lost or is still behind (a coordinator that timed out on an evaluation moves on).
    private mutating func supersede(before evaluationID: UInt64) -> [Action] {
        queue.removeAll { $0.evaluationID < evaluationID }
        guard let running, running.runID == runID, running.evaluationID < evaluationID,
              !cancelled.contains(running.evaluationID) else { return [] }
        remember(cancelled: running.evaluationID)
        return [.cancelJob(evaluationID: running.evaluationID)]
    }

    private mutating func cancel(_ evaluationID: UInt64) -> [Action] {
        remember(cancelled: evaluationID)
        queue.removeAll { $0.evaluationID == evaluationID }
        guard running?.evaluationID == evaluationID else { return [] }
        return [.cancelJob(evaluationID: evaluationID)]
    }

    mutating func startNext() -> [Action] {
        guard running == nil, !queue.isEmpty else { return [] }
        let job = queue.removeFirst()
        running = job
        return [.runJob(job)]
    }

    /// Answers the running job (unless its evaluation was cancelled) and starts the next one.
    mutating func finish(_ output: ShardOutcomes<ShardAnswer>) -> [Action] {
        guard let job = running else {
            counters.unexpected += 1
            return []
        }
        running = nil
        progress &+= 1
        var actions: [Action] = []
        if job.runID != runID {
            counters.foreignRun += 1
        } else if cancelled.contains(job.evaluationID) {
            counters.cancelledEvaluation += 1
        } else {
            actions = answer(job, output: output)
        }
        return actions + startNext()
    }

    /// The running job stopped after `.cancelJob`: nothing to answer; the next one starts.
    mutating func finishCancelled() -> [Action] {
        guard running != nil else {
            counters.unexpected += 1
            return []
        }
        running = nil
        progress &+= 1
        counters.cancelledJobs += 1
        return startNext()
    }

    private func answer(_ job: WorkerJob, output: ShardOutcomes<ShardAnswer>) -> [Action] {
        reply(.result(JobResult(answering: job.work, outcome: output)), evaluationID: job.evaluationID, attempt: job.attempt,
              stepHash: job.stepHash)
    }
}
