internal import CZeroMQ
import Glibc

/// Owns one libzmq socket: created with LINGER 0 and no ZMTP heartbeats, closed in `deinit`
/// (after unbinding, so its endpoints are free again when `deinit` returns).
///
/// **Threading.** A libzmq socket is not thread-safe. A `ZMQSocket` is therefore not `Sendable`:
/// it is created, used and released on one thread. To talk to sockets from several threads, let
/// one thread own them through `ZMQLoop` and hand it frames.
///
/// **Frames.** A message is a list of frames, `[[UInt8]]`, sent and received as one multipart
/// message (all parts or none). A ROUTER prepends the peer's routing id as the first frame of
/// every message it receives and expects it as the first frame of every message it sends.
public final class ZMQSocket {
    /// The socket patterns lapq uses.
    public enum Kind: Sendable {
        /// Coordinator side: addresses each peer by routing id.
        case router
        /// Worker side: one pipe per connected ROUTER, no envelope.
        case dealer
        /// Exclusive one-to-one pipe: monitors and loop wake-ups (inproc).
        case pair

        var rawValue: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .pair: ZMQ_PAIR
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    /// Resolved endpoints this socket is bound to, unbound explicitly before closing: `zmq_close`
    /// finishes in libzmq's reaper thread, so without this an inproc name stays taken for a while.
    private var boundEndpoints: [String] = []
    /// Kept so the context outlives the socket (`zmq_ctx_term` waits for every socket to close).
    public let context: ZMQContext
    public let kind: Kind

    public init(context: ZMQContext, kind: Kind) throws(ZMQError) {
        self.context = context
        self.kind = kind
        handle = try zmqPointer("zmq_socket") { zmq_socket(context.handle, kind.rawValue) }
        do throws(ZMQError) {
            try setInt(ZMQ_LINGER, 0, name: "ZMQ_LINGER")
            // lapq runs its own heartbeats in the protocol; ZMTP pings would hide a stalled peer.
            try setInt(ZMQ_HEARTBEAT_IVL, 0, name: "ZMQ_HEARTBEAT_IVL")
        } catch {
            zmq_close(handle)
            throw error
        }
    }

    deinit {
        for endpoint in boundEndpoints {
            zmq_unbind(handle, endpoint)
        }
        zmq_close(handle)
    }

    /// Listens on `endpoint`, e.g. `tcp://127.0.0.1:*` (ephemeral port; see `lastEndpoint`) or `inproc://name`.
    public func bind(_ endpoint: String) throws(ZMQError) {
        try zmqCall("zmq_bind(\(endpoint))") { zmq_bind(handle, endpoint) }
        boundEndpoints.append(try lastEndpoint())
    }

    /// Stops listening on `endpoint`, which must be the resolved form (`lastEndpoint`), not `*`.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        try zmqCall("zmq_unbind(\(endpoint))") { zmq_unbind(handle, endpoint) }
        boundEndpoints.removeAll { $0 == endpoint }
    }

    /// Connects to `endpoint`; libzmq connects in the background and reconnects on loss.
    public func connect(_ endpoint: String) throws(ZMQError) {
        try zmqCall("zmq_connect(\(endpoint))") { zmq_connect(handle, endpoint) }
    }

    /// Drops the connection to `endpoint` made by `connect`.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        try zmqCall("zmq_disconnect(\(endpoint))") { zmq_disconnect(handle, endpoint) }
    }

    /// The endpoint of the last `bind`/`connect`, with a wildcard port resolved (`ZMQ_LAST_ENDPOINT`).
    public func lastEndpoint() throws(ZMQError) -> String {
        let bytes = try getBytes(ZMQ_LAST_ENDPOINT, name: "ZMQ_LAST_ENDPOINT", capacity: 1024)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Sends `frames` as one message, blocking while the high-water mark is reached.
    /// - Throws: `ZMQError`; `isHostUnreachable` for a ROUTER with `ZMQ_ROUTER_MANDATORY` and an
    ///   unknown peer, `isWouldBlock` when the send timeout (`setSendTimeout`) expired.
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        guard try send(frames, flags: 0) else { throw ZMQError(call: "zmq_send", code: EAGAIN) }
    }

    /// Sends `frames` as one message without blocking.
    /// - Returns: false if the message could not be queued now (high-water mark, or no peer yet).
    public func trySend(_ frames: [[UInt8]]) throws(ZMQError) -> Bool {
        try send(frames, flags: ZMQ_DONTWAIT)
    }

    /// Receives one message, blocking up to the receive timeout (`setReceiveTimeout`).
    /// - Returns: the frames, or nil if the receive timeout expired first.
    public func receive() throws(ZMQError) -> [[UInt8]]? {
        try receive(flags: 0)
    }

    /// Receives one message if one is waiting; nil if none is.
    public func tryReceive() throws(ZMQError) -> [[UInt8]]? {
        try receive(flags: ZMQ_DONTWAIT)
    }

    private func send(_ frames: [[UInt8]], flags: Int32) throws(ZMQError) -> Bool {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            do throws(ZMQError) {
                try zmqCall("zmq_send") {
                    frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags | more) }
                }
            } catch where error.isWouldBlock && index == 0 {
                // Only the first part can block: libzmq queues the rest of a started message atomically.
                return false
            }
        }
        return true
    }

    private func receive(flags: Int32) throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            do throws(ZMQError) {
                try zmqCall("zmq_msg_recv") { zmq_msg_recv(&message, handle, frames.isEmpty ? flags : 0) }
            } catch where error.isWouldBlock && frames.isEmpty {
                return nil
            }
            let size = zmq_msg_size(&message)
            let frame = [UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size))
            frames.append(frame)
        } while zmq_msg_more(&message) != 0
        return frames
    }
}
