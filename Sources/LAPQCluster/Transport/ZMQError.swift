internal import CZeroMQ
import Glibc

/// A libzmq call that failed: which call, the `errno` libzmq reported, and libzmq's text for it.
///
/// Every libzmq return code in this module passes through `zmqCall(_:_:)`, so every failure
/// arrives as this one type, naming the call (and, for socket options, the option).
public struct ZMQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C call that failed, with its subject where that helps, e.g. `zmq_connect(tcp://10.0.0.2:5555)`.
    public let call: String
    /// The `errno` value libzmq reported (`zmq_errno()`), e.g. `EHOSTUNREACH`.
    public let code: Int32
    /// `zmq_strerror(code)`.
    public let message: String

    init(call: String, code: Int32) {
        self.call = call
        self.code = code
        self.message = String(cString: zmq_strerror(code))
    }

    public var description: String { "\(call) failed: \(message) (errno \(code))" }

    /// The call would have blocked (non-blocking send/receive), or a receive timeout expired.
    public var isWouldBlock: Bool { code == EAGAIN }
    /// A ROUTER with `ZMQ_ROUTER_MANDATORY` was asked to send to a peer it does not know (or no longer has).
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }
    /// The socket's context was terminated or shut down; the socket must be closed.
    public var isContextTerminated: Bool { code == ETERM }
}

/// The one funnel for libzmq return codes.
///
/// Runs `body`, which returns a libzmq return code; -1 means failure, anything else is returned.
/// On failure it reads `zmq_errno()` at once (before any other call can overwrite it) and throws
/// `ZMQError` naming `call`. `EINTR` (a signal arrived during a blocking call) means "try again",
/// so the call is repeated; `EAGAIN` is thrown, because only the caller knows whether it means
/// "nothing yet" (non-blocking, timeout) or is an error.
@discardableResult
func zmqCall(_ call: @autoclosure () -> String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = zmq_errno()
        if code == EINTR { continue }
        throw ZMQError(call: call(), code: code)
    }
}

/// `zmqCall` for the calls that return a pointer (NULL on failure).
func zmqPointer(_ call: @autoclosure () -> String, _ body: () -> UnsafeMutableRawPointer?) throws(ZMQError)
    -> UnsafeMutableRawPointer
{
    var pointer: UnsafeMutableRawPointer?
    try zmqCall(call()) {
        pointer = body()
        return pointer == nil ? -1 : 0
    }
    guard let pointer else { preconditionFailure("zmqCall returned success for a NULL pointer") }
    return pointer
}
