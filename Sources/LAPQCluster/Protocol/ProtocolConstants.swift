/// Constants every lapq wire message carries (docs/protocol.md).
public enum ProtocolConstants {
    /// The first four bytes of every message: "LAPQ" in ASCII, little-endian.
    public static let magic: UInt32 = 0x5150_414C
    /// Bumped on any incompatible change; a message with another version is dropped and counted.
    public static let version: UInt16 = 1
}
