/// Why a frame could not be decoded. Decoding never traps: every malformed input becomes one
/// of these, and the state machines drop the frame and count it.
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The frame ends before a field of `needed` bytes at `offset` (of `available`).
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// The frame is longer than its header says, or the header announces an oversized payload.
    case oversized(reason: String)
    /// The first four bytes are not "LAPQ".
    case wrongMagic(UInt32)
    /// Another protocol version.
    case wrongVersion(UInt16)
    /// A message type this version does not know.
    case unknownType(UInt8)
    /// Fields that are individually well-formed but contradict each other or the spec.
    case inconsistent(message: String, reason: String)

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "truncated message: \(field) needs \(needed) bytes at offset \(offset), frame has \(available)"
        case let .oversized(reason):
            return "oversized message: \(reason)"
        case let .wrongMagic(magic):
            return "not a lapq message: magic 0x\(String(magic, radix: 16)), expected 0x\(String(ProtocolConstants.magic, radix: 16))"
        case let .wrongVersion(version):
            return "protocol version \(version), this build speaks \(ProtocolConstants.version)"
        case let .unknownType(type):
            return "unknown message type \(type)"
        case let .inconsistent(message, reason):
            return "inconsistent \(message): \(reason)"
        }
    }
}
