import LAPQCluster
import LAPQData

/// Plays fuzz records against a coordinator that has one registered worker and an evaluation
/// pending or open, and checks every action it returns: messages well-formed and addressed to
/// its run, JOBs that name the open evaluation's shards and vectors, each evaluation closed
/// once, with answers the cluster oracle can reduce (`ProtocolFuzzAnswerCheck`).
struct CoordinatorFuzzDriver {
    private var machine: CoordinatorStateMachine
    private let work: EvaluationWork
    private var now: Milliseconds = 0
    private var request: EvaluationRequest?
    private var evaluationsStarted = 0
    private(set) var report = ProtocolFuzzReport()

    init(work: ProtocolFuzzSetup.CoordinatorWork, firstWorkerHoldsItems: Bool, waitsForSecondWorker: Bool) throws(ProtocolFuzzViolation) {
        machine = CoordinatorStateMachine(configuration: ProtocolFuzzScenario.coordinatorConfiguration(waitsForSecondWorker: waitsForSecondWorker))
        self.work = ProtocolFuzzScenario.work(work)
        let hello = ProtocolFuzzScenario.hello(name: "fuzz-0", holdsItems: firstWorkerHoldsItems)
        try carryOut(machine.on(.received(.success(hello), from: ProtocolFuzzScenario.peers[0], at: now)))
        try startNextEvaluation()
    }

    mutating func play(_ record: ProtocolFuzzInput.Record) throws(ProtocolFuzzViolation) {
        let control = ProtocolFuzzControl(byte: record.control)
        now += control.coordinatorTimeStep
        report.count(frameDecoded: try ProtocolFuzzCodecCheck.decode(record.frame) != nil)
        try carryOut(machine.on(.received(Message.decode(frame: record.frame), from: ProtocolFuzzScenario.peers[control.peer], at: now)))
        if control.coordinatorTicks { try carryOut(machine.on(.tick(at: now))) }
        if control.coordinatorPeerDisconnects {
            try carryOut(machine.on(.connectionClosed(at: now)))
            try carryOut(machine.on(.unreachable(ProtocolFuzzScenario.peers[control.peer], at: now)))
        }
    }

    /// Opens the next evaluation (pending until enough workers), up to `evaluationsPerInput`.
    private mutating func startNextEvaluation() throws(ProtocolFuzzViolation) {
        guard evaluationsStarted < ProtocolFuzzScenario.evaluationsPerInput else {
            request = nil
            return
        }
        let next = EvaluationRequest(id: ProtocolFuzzScenario.firstEvaluationID + UInt64(evaluationsStarted), work: work)
        evaluationsStarted += 1
        request = next
        try carryOut(machine.on(.evaluate(next, at: now)))
    }

    private mutating func carryOut(_ actions: [CoordinatorStateMachine.Action]) throws(ProtocolFuzzViolation) {
        var closed = false
        for action in actions { closed = try check(action) || closed }
        guard closed else { return }
        guard machine.activeEvaluationID == nil else { throw ProtocolFuzzViolation("an evaluation closed but one is still active") }
        try startNextEvaluation()
    }

    /// Checks one action; true when it closes the evaluation.
    private mutating func check(_ action: CoordinatorStateMachine.Action) throws(ProtocolFuzzViolation) -> Bool {
        switch action {
        case let .send(message, peer):
            try check(message, to: peer)
        case let .load(item, peer):
            guard item == .model || ProtocolFuzzScenario.shards.contains(where: { .shard($0.id) == item }) else {
                throw ProtocolFuzzViolation("coordinator loads \(item), which is not in its run")
            }
            guard machine.workers[peer] != nil else { throw ProtocolFuzzViolation("coordinator loads \(item) to an unregistered peer") }
        case let .evaluationComplete(result):
            let request = try closing(result.evaluationID)
            try ProtocolFuzzAnswerCheck.check(result, answering: request, shards: ProtocolFuzzScenario.shards.map(\.id),
                                              pointCount: ProtocolFuzzScenario.pointCount)
            report.evaluationsCompleted += 1
            return true
        case let .evaluationFailed(failure):
            _ = try closing(failure.evaluationID)
            let maxAttempts = machine.configuration.maxAttempts
            // Retried up to the cap — or, when a worker rejected the input, stopped at once.
            let attemptsAllowed = failure.inputRejected ? failure.attempts == 1 : failure.attempts >= maxAttempts
            guard ProtocolFuzzScenario.shards.contains(where: { $0.id == failure.shardID }), attemptsAllowed,
                  failure.reasons.count == failure.attempts else {
                throw ProtocolFuzzViolation("evaluation failed on shard \(failure.shardID) after \(failure.attempts) attempts: \(failure.reasons)")
            }
            report.evaluationsFailed += 1
            return true
        case let .runFailed(evaluationID, _):
            _ = try closing(evaluationID)
            report.evaluationsFailed += 1
            return true
        case let .workerClassified(record):
            guard record.alive, record.hasModel, record.fingerprint != nil else {
                throw ProtocolFuzzViolation("worker \(record.workerID) classified without a model or fingerprint")
            }
        case let .workerJoined(record):
            guard record.alive else { throw ProtocolFuzzViolation("worker \(record.workerID) joined dead") }
        case let .workerDied(record, _):
            guard !record.alive else { throw ProtocolFuzzViolation("worker \(record.workerID) died alive") }
        }
        return false
    }

    /// The open request, which `evaluationID` must name.
    private func closing(_ evaluationID: UInt64) throws(ProtocolFuzzViolation) -> EvaluationRequest {
        guard let request, request.id == evaluationID, machine.activeEvaluationID == nil else {
            throw ProtocolFuzzViolation("evaluation \(evaluationID) closed; the open one is \(request?.id ?? 0)")
        }
        return request
    }

    private func check(_ message: Message, to peer: PeerID) throws(ProtocolFuzzViolation) {
        try ProtocolFuzzCodecCheck.checkWellFormed(message)
        guard message.runID == ProtocolFuzzScenario.runID else { throw ProtocolFuzzViolation("coordinator sent \(message.type) of run \(message.runID)") }
        switch message.body {
        case .welcome, .heartbeat, .bye:
            return
        case .cancel:
            guard let request, message.evaluationID <= request.id else { throw ProtocolFuzzViolation("CANCEL of evaluation \(message.evaluationID)") }
        case let .job(job):
            guard let request, job.work == request.work else {
                throw ProtocolFuzzViolation("\(message.type) of \(job.work) for \(String(describing: request))")
            }
            try checkJob(message, shards: job.shards, to: peer)
        case .hello, .load, .loaded, .result:
            throw ProtocolFuzzViolation("coordinator sent \(message.type)")
        }
    }

    private func checkJob(_ message: Message, shards: [JobShard], to peer: PeerID) throws(ProtocolFuzzViolation) {
        guard let request, message.evaluationID == request.id, message.stepHash == request.stepHash, message.attempt >= 1 else {
            throw ProtocolFuzzViolation("\(message.type) of evaluation \(message.evaluationID), hash \(message.stepHash), attempt \(message.attempt)")
        }
        guard !shards.isEmpty, shards.allSatisfy(ProtocolFuzzScenario.shards.contains), machine.workers[peer] != nil else {
            throw ProtocolFuzzViolation("\(message.type) of shards \(shards.map(\.id)) to a peer registered: \(machine.workers[peer] != nil)")
        }
    }
}
