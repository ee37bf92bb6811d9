internal import CZeroMQ

/// Owns one libzmq context (`zmq_ctx_new`): the I/O threads and the `inproc://` namespace.
///
/// A context is thread-safe, so it is `Sendable`; every socket made in it keeps it alive, so the
/// context is terminated (`zmq_ctx_term`, in `deinit`) only after all its sockets were closed.
/// Sockets are created with LINGER 0, so termination never waits for unsent messages.
public final class ZMQContext: Sendable {
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    public init() throws(ZMQError) {
        handle = try zmqPointer("zmq_ctx_new") { zmq_ctx_new() }
    }

    deinit {
        // EINTR is retried by the funnel; no other failure is possible for a valid context.
        _ = try? zmqCall("zmq_ctx_term") { zmq_ctx_term(handle) }
    }

    /// Makes every blocking call on this context's sockets, in any thread, fail at once with
    /// `ETERM` (`ZMQError.isContextTerminated`). For shutting down threads stuck in a blocking call.
    public func shutdown() throws(ZMQError) {
        try zmqCall("zmq_ctx_shutdown") { zmq_ctx_shutdown(handle) }
    }

    /// Whether this libzmq was built with `capability` (`zmq_has`), e.g. "curve".
    public static func hasCapability(_ capability: String) -> Bool {
        zmq_has(capability) != 0
    }
}
