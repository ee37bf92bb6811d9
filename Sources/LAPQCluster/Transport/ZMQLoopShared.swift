import Glibc
import Synchronization

/// The state a `ZMQLoop` shares between the threads that send and its loop thread.
///
/// The wake-up PAIR socket is used by every sending thread, but only under the lock: libzmq
/// allows a socket to move between threads when a full memory barrier separates the uses.
final class ZMQLoopShared: Sendable {
    private struct State {
        var queue: [ZMQLoop.Outgoing] = []
        /// A wake-up byte is in flight and not yet drained: later senders need not send another.
        var wakePending = false
        /// `notify()` was called since the loop last took the queue: it owes the handler a `.woken`.
        var notified = false
        var stopping = false
        var waker: ZMQSocket?
        /// The loop thread, so that `stop()` called on it fails loudly instead of waiting for itself.
        var loopThread: pthread_t?
    }

    private let state: Mutex<State>

    init(waker: sending ZMQSocket) {
        state = Mutex(State(waker: waker))
    }

    /// Queues `message` and wakes the loop; false if the loop is stopping or stopped.
    func enqueue(_ message: ZMQLoop.Outgoing) -> Bool {
        state.withLock { state in
            // Wake first: under the lock the loop cannot take the queue in between, and a failed
            // wake-up must not leave behind a message the caller was told is dropped.
            guard !state.stopping, Self.wake(&state) else { return false }
            state.queue.append(message)
            return true
        }
    }

    /// Wakes the loop so that it delivers `.woken` to its handler (coalesced: any number of calls
    /// before the loop takes the queue make one event); false if the loop is stopping or stopped.
    func notify() -> Bool {
        state.withLock { state in
            guard !state.stopping, Self.wake(&state) else { return false }
            state.notified = true
            return true
        }
    }

    /// Records that the calling thread is the loop thread.
    func markLoopThread() {
        state.withLock { $0.loopThread = pthread_self() }
    }

    /// Whether the calling thread is the loop thread.
    var isOnLoopThread: Bool {
        state.withLock { state in state.loopThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// Asks the loop to finish: it sends what is queued, then ends.
    func requestStop() {
        state.withLock { state in
            guard !state.stopping else { return }
            state.stopping = true
            _ = Self.wake(&state)
        }
    }

    /// Called by the loop thread as it ends, so later `enqueue`s fail instead of piling up.
    func markStopped() {
        state.withLock { $0.stopping = true }
    }

    /// Closes the wake-up socket once the loop thread has ended.
    func closeWaker() {
        state.withLock { $0.waker = nil }
    }

    /// Takes everything queued so far; called by the loop thread after draining the wake-up socket.
    func takeQueue() -> (messages: [ZMQLoop.Outgoing], notified: Bool, stopping: Bool) {
        state.withLock { state in
            state.wakePending = false
            defer {
                state.queue.removeAll(keepingCapacity: true)
                state.notified = false
            }
            return (state.queue, state.notified, state.stopping)
        }
    }

    private static func wake(_ state: inout State) -> Bool {
        guard !state.wakePending else { return true }
        guard let waker = state.waker, (try? waker.trySend([[]])) == true else { return false }
        state.wakePending = true
        return true
    }
}
