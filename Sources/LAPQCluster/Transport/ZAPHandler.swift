import Synchronization

/// Authenticates CURVE clients against an allow-list of public keys, for every CURVE server
/// socket in one context (ZAP, RFC 27: https://rfc.zeromq.org/spec/27/).
///
/// libzmq asks the handler bound at `inproc://zeromq.zap.01` in the server's context about
/// every connecting client; this one answers 200 when the client's CURVE public key is allowed
/// and 400 otherwise, on its own `ZMQLoop` thread. Create it before the server socket binds
/// (libzmq admits every CURVE client while no handler is bound), keep it as long as the server
/// accepts connections, and `stop()` it (or drop it) after.
/// Only one ZAP handler can exist per context.
public final class ZAPHandler: Sendable {
    /// How many requests were answered each way, and how many were dropped as malformed.
    public struct Decisions: Equatable, Sendable {
        public var accepted = 0
        public var rejected = 0
        public var malformed = 0
        public init(accepted: Int = 0, rejected: Int = 0, malformed: Int = 0) {
            self.accepted = accepted
            self.rejected = rejected
            self.malformed = malformed
        }
    }

    /// The endpoint libzmq sends authentication requests to (RFC 27).
    public static let endpoint = "inproc://zeromq.zap.01"

    private let loop: ZMQLoop
    private let counts: ZAPCounts

    /// Binds the handler and starts answering.
    /// - Parameters:
    ///   - allowedClientKeys: Z85 public keys of the clients to let in.
    ///   - domain: if set, requests for any other ZAP domain are rejected.
    /// - Throws: `ZMQError` for a key that is not Z85 (`zmq_z85_decode`), or if another handler
    ///   is already bound in `context` (`EADDRINUSE`).
    public init(context: ZMQContext, allowedClientKeys: Set<String>, domain: String? = nil) throws {
        var allowed: Set<[UInt8]> = []
        for key in allowedClientKeys {
            allowed.insert(try Z85.decode(key))
        }
        let policy = ZAPPolicy(allowedKeys: allowed, domain: domain)
        let counts = ZAPCounts()
        self.counts = counts
        loop = try ZMQLoop(
            context: context, name: "lapq.zap",
            makeSockets: {
                let socket = try ZMQSocket(context: context, kind: .router)
                try socket.bind(ZAPHandler.endpoint)
                return [socket]
            },
            handler: { event in
                guard case .received(_, let request) = event else { return [] }
                let answer = policy.answer(request)
                counts.record(answer)
                return answer.reply.map { [ZMQLoop.Outgoing(frames: $0)] } ?? []
            })
    }

    /// The decisions made so far.
    public var decisions: Decisions { counts.current }

    /// Stops answering and unbinds; afterwards CURVE servers in the context refuse every client.
    /// Idempotent.
    public func stop() {
        loop.stop()
    }
}

/// Thread-safe tally of `ZAPHandler` decisions.
private final class ZAPCounts: Sendable {
    private let state = Mutex(ZAPHandler.Decisions())

    var current: ZAPHandler.Decisions { state.withLock { $0 } }

    func record(_ answer: ZAPPolicy.Answer) {
        state.withLock { counts in
            switch answer {
            case .accept: counts.accepted += 1
            case .reject: counts.rejected += 1
            case .malformed: counts.malformed += 1
            }
        }
    }
}
