import Synchronization

/// Lets code that exists before its `ZMQLoop` (a link the loop's handler calls) wake that loop:
/// `ring()` calls the loop's `notify()`, so the handler sees `.woken` at once instead of at the
/// next tick. A ring before `attach` is remembered and delivered by it, because the loop may
/// already be receiving frames (and the link queuing work) before its constructor returns.
final class LoopDoorbell: Sendable {
    private struct State {
        weak var loop: ZMQLoop?
        var missed = false
    }

    private let state = Mutex(State())

    init() {}

    func attach(_ loop: ZMQLoop) {
        let missed = state.withLock { state in
            state.loop = loop
            defer { state.missed = false }
            return state.missed
        }
        if missed { loop.notify() }
    }

    func ring() {
        let loop = state.withLock { state in
            if state.loop == nil { state.missed = true }
            return state.loop
        }
        loop?.notify()
    }
}
