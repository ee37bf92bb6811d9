internal import CZeroMQ

/// What `ZMQSocket.poll` waits for on a socket.
public struct ZMQPollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// At least one message can be received without blocking (`ZMQ_POLLIN`).
    public static let readable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// At least one message can be sent without blocking (`ZMQ_POLLOUT`).
    public static let writable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

extension ZMQSocket {
    /// Waits until at least one of `sockets` is ready for `events`, or `timeout` passes
    /// (`zmq_poll`; nil waits forever, `.zero` only checks).
    ///
    /// All `sockets` must be owned by the calling thread. If a signal interrupts the wait, the
    /// funnel restarts it with the full timeout, so the wait can exceed `timeout` in that case.
    /// - Returns: for each socket, in order, the events it is ready for; all empty on timeout.
    public static func poll(
        _ sockets: [ZMQSocket], for events: ZMQPollEvents = .readable, timeout: Duration?
    ) throws(ZMQError) -> [ZMQPollEvents] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: events.rawValue, revents: 0) }
        let milliseconds = timeout.map { Int($0.zmqMilliseconds) } ?? -1
        try zmqCall("zmq_poll") {
            items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), milliseconds) }
        }
        return items.map { ZMQPollEvents(rawValue: $0.revents) }
    }
}
