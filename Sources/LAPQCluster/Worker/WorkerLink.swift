import Foundation
import LAPQEngine
import LAPQMath

/// The worker's state machine and what the socket thread and the compute thread share, behind
/// one lock. The socket thread feeds frames and ticks; the compute thread (a serial queue that
/// owns the executor) reports stored items, progress and finished jobs as queued events and
/// rings the loop's doorbell, so a RESULT leaves the moment its computation ends.
final class WorkerLink: @unchecked Sendable {
    private let lock = NSLock()
    private var machine: WorkerStateMachine
    private var queued: [WorkerStateMachine.Event] = []
    private var started = false
    private var reconnectAt: Milliseconds?
    private let compute: WorkerComputeQueue
    /// Wakes the socket loop for queued events (and, once, to say the first HELLO).
    let doorbell = LoopDoorbell()
    private let log: @Sendable (String) -> Void
    /// Called once when the state machine gives up (`Action.stop`), with its reason.
    private let onStop: @Sendable (String) -> Void
    private let tracing = ProcessInfo.processInfo.environment["LAPQ_TRACE"] == "1"

    init(machine: WorkerStateMachine, compute: WorkerComputeQueue, log: @escaping @Sendable (String) -> Void,
         onStop: @escaping @Sendable (String) -> Void) {
        self.machine = machine
        self.compute = compute
        self.log = log
        self.onStop = onStop
    }

    /// An event from the compute thread, fed to the state machine as soon as the loop wakes.
    /// Progress only feeds the next heartbeat, so it waits for the next event or tick rather
    /// than waking the loop after every shard; everything else may answer the coordinator.
    func enqueue(_ event: WorkerStateMachine.Event) {
        lock.withLock { queued.append(event) }
        if case .progressed = event { return }
        doorbell.ring()
    }

    func handle(_ event: ZMQLoop.Event) -> [ZMQLoop.Outgoing] {
        let now = monotonicMilliseconds()
        return lock.withLock {
            var actions: [WorkerStateMachine.Action] = []
            if !started || reconnectAt.map({ now >= $0 }) == true {
                started = true
                reconnectAt = nil
                actions += machine.on(.connected(at: now))
            }
            for queuedEvent in queued { actions += machine.on(queuedEvent) }
            queued.removeAll()
            switch event {
            case let .received(_, frames) where frames.count == 1:
                let decoded = Message.decode(frame: frames[0])
                if tracing { log("trace in: \((try? decoded.get())?.type.description ?? "malformed")") }
                actions += machine.on(.received(decoded, at: now))
            case .received:
                break   // a DEALER frame from the coordinator is one message; anything else is not ours
            case .woken:
                break   // the queued events above are what woke the loop
            case .tick:
                actions += machine.on(.tick(at: now))
            case let .sendFailed(_, error):
                log("could not send to the coordinator: \(error)")
            case let .failed(error):
                log("socket loop failed: \(error)")
            }
            return actions.flatMap { carryOut($0, now: now) }
        }
    }

    private func carryOut(_ action: WorkerStateMachine.Action, now: Milliseconds) -> [ZMQLoop.Outgoing] {
        switch action {
        case let .send(message):
            if tracing { log("trace out: \(message.type)") }
            return [ZMQLoop.Outgoing(frames: [message.encoded()])]
        case let .store(item):
            compute.store(item) { [weak self] event in self?.enqueue(event) }
        case let .runJob(job):
            compute.run(job, progress: { [weak self] in self?.enqueue(.progressed) },
                        finished: { [weak self] output in self?.enqueue(output.map { .jobFinished($0) } ?? .jobCancelled) })
        case let .cancelJob(evaluationID):
            compute.cancel(evaluationID: evaluationID)
        case let .reconnect(delay):
            log("coordinator silent or restarted; saying HELLO again in \(delay) ms")
            reconnectAt = now + delay
        case let .stop(reason):
            log("stopping: \(reason)")
            onStop(reason)
        }
        return []
    }
}
