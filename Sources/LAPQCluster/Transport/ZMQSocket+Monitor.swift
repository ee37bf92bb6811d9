internal import CZeroMQ

extension ZMQSocket {
    /// Starts reporting `events` on this socket and returns the PAIR socket that receives them.
    ///
    /// Decode each message received on the returned socket with `ZMQMonitorEvent(frames:)`, or
    /// call `receiveMonitorEvent()` on it. It can sit in a `poll` set beside this socket; both
    /// belong to the calling thread. Monitoring ends with `stopMonitor()` or when this socket
    /// closes; the last event is then `.monitorStopped` if `events` includes it. One monitor per
    /// socket: a second call replaces the first.
    public func startMonitor(events: ZMQMonitorEvent.Kinds = .all) throws(ZMQError) -> ZMQSocket {
        // The socket's address is unique among live sockets, so the inproc name cannot collide.
        let endpoint = "inproc://lapq.monitor.\(UInt(bitPattern: handle))"
        try zmqCall("zmq_socket_monitor(\(endpoint))") {
            zmq_socket_monitor(handle, endpoint, Int32(events.rawValue))
        }
        let receiver = try ZMQSocket(context: context, kind: .pair)
        try receiver.connect(endpoint)
        return receiver
    }

    /// Stops the monitor started by `startMonitor`; its socket then receives `.monitorStopped`
    /// (if selected).
    public func stopMonitor() throws(ZMQError) {
        try zmqCall("zmq_socket_monitor(NULL)") { zmq_socket_monitor(handle, nil, 0) }
    }

    /// Receives and decodes one event on a socket returned by `startMonitor`.
    /// - Returns: nil if the receive timeout expired; precondition: the message is a monitor event.
    public func receiveMonitorEvent() throws(ZMQError) -> ZMQMonitorEvent? {
        guard let frames = try receive() else { return nil }
        guard let event = ZMQMonitorEvent(frames: frames) else {
            preconditionFailure("receiveMonitorEvent called on a socket that is not a monitor: \(frames.count) frames")
        }
        return event
    }
}
