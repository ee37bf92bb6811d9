internal import CZeroMQ

/// Socket options. Set them before `bind`/`connect`: libzmq applies most options only to
/// connections made afterwards.
extension ZMQSocket {
    /// The identity this socket presents to a ROUTER peer (`ZMQ_ROUTING_ID`), 1…255 bytes, not
    /// starting with a zero byte (libzmq reserves those for generated ids).
    public func setRoutingID(_ routingID: [UInt8]) throws(ZMQError) {
        try setBytes(ZMQ_ROUTING_ID, routingID, name: "ZMQ_ROUTING_ID")
    }

    /// The routing id set by `setRoutingID` (empty if none was set).
    public func routingID() throws(ZMQError) -> [UInt8] {
        try getBytes(ZMQ_ROUTING_ID, name: "ZMQ_ROUTING_ID", capacity: 255)
    }

    /// How long a blocking `receive` waits before returning nil (`ZMQ_RCVTIMEO`); nil waits forever.
    public func setReceiveTimeout(_ timeout: Duration?) throws(ZMQError) {
        try setInt(ZMQ_RCVTIMEO, timeout.map(\.zmqMilliseconds) ?? -1, name: "ZMQ_RCVTIMEO")
    }

    /// How long a blocking `send` waits before failing with `isWouldBlock` (`ZMQ_SNDTIMEO`); nil waits forever.
    public func setSendTimeout(_ timeout: Duration?) throws(ZMQError) {
        try setInt(ZMQ_SNDTIMEO, timeout.map(\.zmqMilliseconds) ?? -1, name: "ZMQ_SNDTIMEO")
    }

    /// Reconnection back-off after a lost or refused connection: starts at `interval` and doubles
    /// up to `maximum` (`ZMQ_RECONNECT_IVL`, `ZMQ_RECONNECT_IVL_MAX`; a nil maximum keeps it fixed).
    public func setReconnectInterval(_ interval: Duration, maximum: Duration? = nil) throws(ZMQError) {
        try setInt(ZMQ_RECONNECT_IVL, interval.zmqMilliseconds, name: "ZMQ_RECONNECT_IVL")
        try setInt(ZMQ_RECONNECT_IVL_MAX, maximum?.zmqMilliseconds ?? 0, name: "ZMQ_RECONNECT_IVL_MAX")
    }

    /// The most messages queued per peer before `send` blocks (or ROUTER drops / `trySend` returns
    /// false), and before libzmq stops reading from a peer (`ZMQ_SNDHWM`, `ZMQ_RCVHWM`; 0 = no limit).
    public func setHighWaterMarks(send: Int32, receive: Int32) throws(ZMQError) {
        try setInt(ZMQ_SNDHWM, send, name: "ZMQ_SNDHWM")
        try setInt(ZMQ_RCVHWM, receive, name: "ZMQ_RCVHWM")
    }

    /// ROUTER only: a send to an unknown or departed routing id throws `isHostUnreachable`
    /// instead of being dropped silently (`ZMQ_ROUTER_MANDATORY`).
    public func setRouterMandatory(_ mandatory: Bool) throws(ZMQError) {
        precondition(kind == .router, "ZMQ_ROUTER_MANDATORY applies to ROUTER sockets only")
        try setInt(ZMQ_ROUTER_MANDATORY, mandatory ? 1 : 0, name: "ZMQ_ROUTER_MANDATORY")
    }

    /// The ZAP domain sent with each authentication request (`ZMQ_ZAP_DOMAIN`).
    public func setZAPDomain(_ domain: String) throws(ZMQError) {
        try setBytes(ZMQ_ZAP_DOMAIN, Array(domain.utf8), name: "ZMQ_ZAP_DOMAIN")
    }

    /// Makes this socket a CURVE server with `secretKey` (Z85). Every connection is then
    /// encrypted, and authenticated by the ZAP handler of the socket's context (`ZAPHandler`).
    /// Start that handler before binding: libzmq 4.3 lets every client in while no handler is
    /// bound (the option that would refuse them, `ZMQ_ZAP_ENFORCE_DOMAIN`, is draft API).
    public func setCurveServer(secretKey: String) throws(ZMQError) {
        try setInt(ZMQ_CURVE_SERVER, 1, name: "ZMQ_CURVE_SERVER")
        try setBytes(ZMQ_CURVE_SECRETKEY, try Z85.decode(secretKey), name: "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes this socket a CURVE client of the server whose public key is `serverPublicKey`,
    /// presenting `keyPair` (all keys Z85).
    public func setCurveClient(serverPublicKey: String, keyPair: CurveKeyPair) throws(ZMQError) {
        try setBytes(ZMQ_CURVE_SERVERKEY, try Z85.decode(serverPublicKey), name: "ZMQ_CURVE_SERVERKEY")
        try setBytes(ZMQ_CURVE_PUBLICKEY, try Z85.decode(keyPair.publicKey), name: "ZMQ_CURVE_PUBLICKEY")
        try setBytes(ZMQ_CURVE_SECRETKEY, try Z85.decode(keyPair.secretKey), name: "ZMQ_CURVE_SECRETKEY")
    }

    func setInt(_ option: Int32, _ value: Int32, name: String) throws(ZMQError) {
        var value = value
        try zmqCall("zmq_setsockopt(\(name))") {
            zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size)
        }
    }

    func setBytes(_ option: Int32, _ value: [UInt8], name: String) throws(ZMQError) {
        try zmqCall("zmq_setsockopt(\(name))") {
            value.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        }
    }

    func getBytes(_ option: Int32, name: String, capacity: Int) throws(ZMQError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var length = capacity
        try zmqCall("zmq_getsockopt(\(name))") {
            buffer.withUnsafeMutableBytes { zmq_getsockopt(handle, option, $0.baseAddress, &length) }
        }
        return Array(buffer.prefix(length))
    }
}

extension Duration {
    /// Whole milliseconds, rounded down and clamped to `0...Int32.max`: libzmq's unit for times.
    var zmqMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return seconds < 0 ? 0 : Int32.max }
        let total = milliseconds.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}
