import LAPQCluster

/// An invariant a fuzz input broke: a bug, as much as a trap would be.
public struct ProtocolFuzzViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// The codec's contract, checked on every frame the fuzzer delivers and every message a state
/// machine sends.
public enum ProtocolFuzzCodecCheck {
    /// Decodes `frame`: nil when it is refused (with a readable `ProtocolError`); a decoded
    /// message must re-encode to a frame that decodes and re-encodes to the same bytes (bytes,
    /// not `==`: a mutated float may be a NaN).
    public static func decode(_ frame: [UInt8]) throws(ProtocolFuzzViolation) -> Message? {
        let message: Message
        do {
            message = try Message(decoding: frame)
        } catch {
            guard !error.description.isEmpty else { throw ProtocolFuzzViolation("a ProtocolError without a description") }
            return nil
        }
        try checkWellFormed(message)
        return message
    }

    /// A message a state machine produced (or the decoder accepted) must encode within the
    /// limits, decode again, and re-encode to the same bytes.
    public static func checkWellFormed(_ message: Message) throws(ProtocolFuzzViolation) {
        let encoded = message.encoded()
        let again: Message
        do {
            again = try Message(decoding: encoded)
        } catch {
            throw ProtocolFuzzViolation("\(message.type) encodes to a frame that does not decode: \(error)")
        }
        guard again.encoded() == encoded else { throw ProtocolFuzzViolation("\(message.type) re-encodes to other bytes") }
    }
}
