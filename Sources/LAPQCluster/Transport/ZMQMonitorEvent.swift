internal import CZeroMQ

/// One decoded event from a socket monitor (`zmq_socket_monitor`, protocol version 1).
///
/// On the wire an event is two frames: 6 bytes — the event number (UInt16) then a value
/// (UInt32: a file descriptor, an errno, or a reconnect interval), both in host byte order —
/// and the endpoint text.
public struct ZMQMonitorEvent: Equatable, Sendable {
    /// The kinds of events lapq reacts to; a set of them selects what a monitor reports.
    public struct Kinds: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// An outgoing connection was established (TCP level; the ZMTP handshake follows).
        public static let connected = Kinds(rawValue: UInt16(ZMQ_EVENT_CONNECTED))
        /// A bound socket accepted an incoming connection.
        public static let accepted = Kinds(rawValue: UInt16(ZMQ_EVENT_ACCEPTED))
        /// A connection was lost or closed by the peer.
        public static let disconnected = Kinds(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
        /// The ZMTP handshake (and, with CURVE, authentication) completed.
        public static let handshakeSucceeded = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
        /// The handshake failed before reaching authentication (e.g. the peer closed).
        public static let handshakeFailedNoDetail = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        /// The peer broke the ZMTP or mechanism protocol (e.g. a wrong CURVE server key).
        public static let handshakeFailedProtocol = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
        /// ZAP rejected the peer (a key not on the allow-list); the value is the ZAP status code.
        public static let handshakeFailedAuth = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))
        /// The monitor itself ended (the monitored socket closed or monitoring was stopped).
        public static let monitorStopped = Kinds(rawValue: UInt16(ZMQ_EVENT_MONITOR_STOPPED))

        /// Any of the three handshake failures.
        public static let handshakeFailed: Kinds = [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth]
        /// Every event libzmq reports, including ones not named here (listening, retried, closed, …).
        public static let all = Kinds(rawValue: UInt16(truncatingIfNeeded: ZMQ_EVENT_ALL))
    }

    /// Exactly one event bit; may be a kind not named in `Kinds` (those are still decoded).
    public let kind: Kinds
    /// The event's value: a file descriptor, an errno, a ZAP status code or an interval, by kind.
    public let value: UInt32
    /// The endpoint the event concerns, e.g. `tcp://127.0.0.1:40123`.
    public let endpoint: String

    public init(kind: Kinds, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    /// Decodes the two frames of a monitor message; nil if they are not one.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let header = frames[0]
        var number: UInt16 = 0
        var value: UInt32 = 0
        withUnsafeMutableBytes(of: &number) { $0.copyBytes(from: header[0..<2]) }
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: header[2..<6]) }
        guard number != 0, number & (number - 1) == 0 else { return nil }
        self.init(kind: Kinds(rawValue: number), value: value, endpoint: String(decoding: frames[1], as: UTF8.self))
    }
}
