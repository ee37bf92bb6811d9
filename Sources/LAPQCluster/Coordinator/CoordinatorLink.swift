import Foundation
import LAPQData

/// The coordinator's state machine and everything the socket thread and the optimizer thread
/// share, behind one lock: requests go in from the optimizer's thread, frames and ticks from
/// the socket thread; completions wake the waiting optimizer.
final class CoordinatorLink: @unchecked Sendable {
    private let lock = NSLock()
    private var machine: CoordinatorStateMachine
    private var pending: [EvaluationRequest] = []
    /// Evaluations whose `submit` timed out, for the state machine to forget.
    private var abandoned: [UInt64] = []
    /// Wakes the socket loop for a new request, so it never waits for a tick.
    let doorbell = LoopDoorbell()
    private var outcomes: [UInt64: Result<EvaluationResult, Error>] = [:]
    private var waiters: [UInt64: DispatchSemaphore] = [:]
    private var status = WorkerStatusReport()
    private let items: LoadItems
    private let log: @Sendable (String) -> Void
    private let tracing = ProcessInfo.processInfo.environment["LAPQ_TRACE"] == "1"

    init(machine: CoordinatorStateMachine, items: LoadItems, log: @escaping @Sendable (String) -> Void) {
        self.machine = machine
        self.items = items
        self.log = log
    }

    var runID: UInt64 { machine.configuration.runID }

    /// The data sets the session evaluates (`CoordinatorStateMachine.Configuration.shardSets`).
    var shardSetCount: Int { items.stores.count }

    /// The loop's sockets: the ROUTER the workers connect to, and its monitor.
    static let routerSocket = 0
    static let monitorSocket = 1

    /// What the state machine dropped or noticed so far (malformed, foreign, stale messages…).
    var counters: CoordinatorCounters { lock.withLock { machine.counters } }

    /// Every numerics class that answered shards so far, with those shards.
    var numericsClasses: NumericsClasses { lock.withLock { machine.numericsClasses } }

    /// See `CoordinatorStateMachine.restoreNumericsClasses`.
    func restoreNumericsClasses(_ bindings: NumericsClasses) throws {
        try lock.withLock { try machine.restoreNumericsClasses(bindings) }
    }

    /// Queues a request, wakes the socket loop, and blocks until the evaluation completes or
    /// fails, or `timeout` passes. A timed-out evaluation is abandoned: no waiter, outcome or
    /// open evaluation is left behind, and the workers computing it are sent CANCEL.
    func submit(_ request: EvaluationRequest, timeout: Duration) throws -> EvaluationResult {
        let semaphore = DispatchSemaphore(value: 0)
        lock.withLock {
            waiters[request.id] = semaphore
            pending.append(request)
        }
        doorbell.ring()
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        let answered = semaphore.wait(timeout: .now() + seconds) == .success
        let outcome: Result<EvaluationResult, Error>? = lock.withLock {
            // An outcome that arrived between the timeout and this lock still counts.
            if let outcome = outcomes.removeValue(forKey: request.id) { return outcome }
            waiters[request.id] = nil
            if let index = pending.firstIndex(where: { $0.id == request.id }) {
                pending.remove(at: index)
            } else {
                abandoned.append(request.id)
            }
            return nil
        }
        guard let outcome else {
            doorbell.ring()
            throw answered ? ClusterError.evaluationFailed("evaluation \(request.id) ended without an outcome")
                           : ClusterError.timedOut("evaluation \(request.id) got no complete answer in \(timeout)")
        }
        return try outcome.get()
    }

    /// Evaluations waiting for an answer, and requests not yet handed to the state machine
    /// (for tests: both are empty between evaluations).
    var unfinishedRequests: (waiters: Int, queued: Int, open: UInt64?) {
        lock.withLock { (waiters.count, pending.count + abandoned.count, machine.activeEvaluationID) }
    }

    /// Runs one socket-loop event through the state machine and returns the frames to send.
    func handle(_ event: ZMQLoop.Event) -> [ZMQLoop.Outgoing] {
        let now = monotonicMilliseconds()
        return lock.withLock {
            var actions: [CoordinatorStateMachine.Action] = []
            for id in abandoned { actions += machine.on(.abandon(evaluationID: id)) }
            abandoned.removeAll()
            for request in pending { actions += machine.on(.evaluate(request, at: now)) }
            pending.removeAll()
            switch event {
            case let .received(CoordinatorLink.monitorSocket, frames):
                if ZMQMonitorEvent(frames: frames)?.kind == .disconnected {
                    actions += machine.on(.connectionClosed(at: now))
                }
            case let .received(CoordinatorLink.routerSocket, frames) where frames.count == 2:
                let decoded = Message.decode(frame: frames[1])
                trace("in", decoded)
                actions += machine.on(.received(decoded, from: frames[0], at: now))
                if tracing {
                    let undone = machine.open?.shards.filter { !$0.value.isDone }.keys.sorted() ?? []
                    log("trace open \(machine.open?.request.id ?? 0) pending \(machine.pending?.id ?? 0) undone \(undone)")
                }
            case .received:
                break   // a ROUTER frame is always [peer, message]; anything else is not ours
            case .woken:
                break   // the requests queued above are what woke the loop
            case .tick:
                actions += machine.on(.tick(at: now))
                if let line = status.line(workers: machine.workers, assignment: machine.assignment, at: now) { log(line) }
            case let .sendFailed(outgoing, error) where error.isHostUnreachable && outgoing.socket == CoordinatorLink.routerSocket:
                // ROUTER_MANDATORY: the peer's connection is gone; it is dead now.
                actions += machine.on(.unreachable(outgoing.frames[0], at: now))
            case let .sendFailed(outgoing, error):
                log("could not send to a worker (\(error)); \(outgoing.frames.count) frames dropped")
            case let .failed(error):
                failAll(ClusterError.transport("\(error)"))
            }
            return actions.flatMap(carryOut)
        }
    }

    /// Frames for send/load actions; completions and membership changes handled here.
    private func carryOut(_ action: CoordinatorStateMachine.Action) -> [ZMQLoop.Outgoing] {
        switch action {
        case let .send(message, peer):
            trace("out", .success(message))
            return [ZMQLoop.Outgoing(frames: [peer, message.encoded()])]
        case let .load(item, peer):
            do {
                let payload = try items.payload(item)
                return LoadChunker.messages(item: item, bytes: payload.bytes, sha256: payload.sha256,
                                            shardFacts: payload.facts, runID: runID)
                    .map { ZMQLoop.Outgoing(frames: [peer, $0.encoded()]) }
            } catch {
                // The coordinator's own data went bad after it started (a shard file changed or
                // vanished): no worker can get the shard, so the evaluation cannot complete.
                let reason = "cannot read \(item) to send it: \(userFacingDescription(of: error))"
                log(reason)
                guard let id = machine.activeEvaluationID else { return [] }
                let closing = machine.on(.abandon(evaluationID: id))
                finish(id, .failure(ClusterError.evaluationFailed(reason)))
                return closing.flatMap(carryOut)
            }
        case let .evaluationComplete(result):
            finish(result.evaluationID, .success(result))
        case let .evaluationFailed(failure):
            finish(failure.evaluationID, .failure(ClusterError.evaluationFailed(failure.description)))
        case let .runFailed(evaluationID, reason):
            finish(evaluationID, .failure(ClusterError.evaluationFailed(reason)))
        case let .workerJoined(worker):
            log("worker '\(worker.name)' joined (\(worker.threads) threads)")
        case let .workerClassified(worker):
            log("worker '\(worker.name)' computes in numerics class \(NumericsClasses.label(worker.fingerprint ?? 0))")
        case let .workerDied(worker, reason):
            log("worker '\(worker.name)' lost: \(reason); its shards go to the others")
        }
        return []
    }

    /// With LAPQ_TRACE=1 in the environment, one log line per message: direction and type.
    private func trace(_ direction: String, _ decoded: Result<Message, ProtocolError>) {
        guard tracing else { return }
        let description = (try? decoded.get()).map { "\($0.type) eval \($0.evaluationID)" } ?? "malformed"
        log("trace \(direction): \(description)")
    }

    private func finish(_ id: UInt64, _ outcome: Result<EvaluationResult, Error>) {
        outcomes[id] = outcome
        waiters.removeValue(forKey: id)?.signal()
    }

    private func failAll(_ error: Error) {
        for id in waiters.keys { outcomes[id] = .failure(error) }
        for semaphore in waiters.values { semaphore.signal() }
        waiters.removeAll()
    }
}
