import LAPQData

/// A digest travels as its 32 raw bytes.
extension WireWriter {
    mutating func digest(_ value: SHA256Digest) { raw(value.bytes) }
}

extension WireReader {
    mutating func digest(_ field: String) throws(ProtocolError) -> SHA256Digest {
        SHA256Digest(bytes: try raw(field, count: SHA256Digest.byteCount))
    }
}
