import Dispatch
import Foundation
import Synchronization

/// One thread that owns a set of sockets, so that any thread can send on them.
///
/// libzmq sockets are not thread-safe. A `ZMQLoop` creates its sockets on its own thread
/// (`makeSockets`), polls them, and reports each incoming message to `handler` on that thread.
/// Other threads hand it outgoing messages with `send(_:on:)`: the message goes into a locked
/// queue and one byte on an inproc PAIR wakes the poll. The handler answers an event by
/// returning the messages to send, so protocol logic stays a pure function of events (the
/// NIO state-machine habit) and never touches a socket.
///
/// Messages to one socket leave in the order they were handed over. Sends are non-blocking:
/// a message that cannot be queued (high-water mark, unknown ROUTER peer with
/// `ZMQ_ROUTER_MANDATORY`) comes back to the handler as `.sendFailed`.
/// Makes each loop's inproc wake-up endpoint unique within the process.
private let loopSerialNumber = Atomic<Int>(0)

public final class ZMQLoop: Sendable {
    /// A message for socket number `socket` (the index in `makeSockets`' result).
    public struct Outgoing: Equatable, Sendable {
        public var socket: Int
        public var frames: [[UInt8]]
        public init(socket: Int = 0, frames: [[UInt8]]) {
            self.socket = socket
            self.frames = frames
        }
    }

    /// What the loop reports to its handler, always on the loop thread.
    public enum Event: Sendable {
        /// Socket number `socket` received `frames` (a ROUTER's first frame is the peer's routing id).
        case received(socket: Int, frames: [[UInt8]])
        /// `message` could not be sent; `error.isWouldBlock` or `error.isHostUnreachable` say why.
        case sendFailed(Outgoing, ZMQError)
        /// `tickInterval` passed since the last tick: the handler's clock, for heartbeats and deadlines.
        case tick
        /// Another thread called `notify()`: it left work for the handler (a request to start, a
        /// finished computation) that must not wait for the next tick.
        case woken
        /// Polling or receiving failed (e.g. the context was shut down); the loop has ended.
        case failed(ZMQError)
    }

    /// Called on the loop thread for every event; returns the messages to send in answer.
    public typealias Handler = @Sendable (Event) -> [Outgoing]

    private let shared: ZMQLoopShared
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the loop thread and returns once `makeSockets` has run there.
    /// - Parameters:
    ///   - makeSockets: creates, configures, binds and connects the loop's sockets, on the loop thread.
    ///   - tickInterval: how often to deliver `.tick`; nil for never.
    /// - Throws: whatever `makeSockets` threw, or `ZMQError` from the wake-up pipe; no thread is left running.
    public init(
        context: ZMQContext, name: String = "lapq.zmq-loop", tickInterval: Duration? = nil,
        makeSockets: @escaping @Sendable () throws -> [ZMQSocket], handler: @escaping Handler
    ) throws {
        let wakeEndpoint = "inproc://lapq.loop.\(loopSerialNumber.add(1, ordering: .relaxed).newValue)"
        let waker = try ZMQSocket(context: context, kind: .pair)
        try waker.connect(wakeEndpoint)
        let shared = ZMQLoopShared(waker: waker)
        self.shared = shared
        let started = DispatchSemaphore(value: 0)
        let startFailure = Mutex<(any Error)?>(nil)
        let finished = finished
        let thread = Thread {
            shared.markLoopThread()
            // The OS thread's name (15 bytes at most), so `top -H` and /proc show the socket
            // thread apart (Scripts/bench/bench-scale measures its CPU time by it).
            // (/proc/thread-self/comm: pthread_setname_np is not visible to Swift's Glibc module.)
            try? Data(name.utf8.prefix(15)).write(to: URL(fileURLWithPath: "/proc/thread-self/comm"))
            let runner = ZMQLoopRunner(shared: shared, handler: handler, tickInterval: tickInterval)
            runner.run(context: context, wakeEndpoint: wakeEndpoint, makeSockets: makeSockets) { failure in
                startFailure.withLock { $0 = failure }
                started.signal()
            }
            shared.markStopped()
            finished.signal()
        }
        thread.name = name
        thread.start()
        started.wait()
        if let failure = startFailure.withLock({ $0 }) {
            finished.wait()
            finished.signal()  // deinit runs after a throwing init and waits on this latch too
            throw failure
        }
    }

    deinit {
        stop()
    }

    /// Hands `frames` to the loop thread for socket number `socket`. Thread-safe; never blocks on I/O.
    /// - Returns: false if the loop has stopped (the message is dropped).
    @discardableResult
    public func send(_ frames: [[UInt8]], on socket: Int = 0) -> Bool {
        shared.enqueue(Outgoing(socket: socket, frames: frames))
    }

    /// Makes the loop thread call its handler with `.woken` as soon as it can. Thread-safe,
    /// never blocks; calls made before the handler runs are coalesced into one event.
    /// - Returns: false if the loop has stopped.
    @discardableResult
    public func notify() -> Bool {
        shared.notify()
    }

    /// Stops the loop: messages handed over before are sent, then the thread closes its sockets
    /// and ends. Idempotent; returns once the thread has ended. Never call it from the handler.
    public func stop() {
        precondition(!shared.isOnLoopThread, "ZMQLoop.stop() called from its own handler would wait forever")
        shared.requestStop()
        // `finished` is a latch: signalled once when the thread ends, re-signalled by every waiter.
        finished.wait()
        finished.signal()
        shared.closeWaker()
    }
}
