/// Reads little-endian fields from a frame, throwing `ProtocolError.truncated` instead of
/// reading past the end. Array counts are checked against the bytes left *before* anything is
/// allocated, so a forged count cannot make a decoder allocate gigabytes.
struct WireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }

    mutating func u8(_ field: String) throws(ProtocolError) -> UInt8 { try integer(field) }
    mutating func u16(_ field: String) throws(ProtocolError) -> UInt16 { try integer(field) }
    mutating func u32(_ field: String) throws(ProtocolError) -> UInt32 { try integer(field) }
    mutating func u64(_ field: String) throws(ProtocolError) -> UInt64 { try integer(field) }
    mutating func i32(_ field: String) throws(ProtocolError) -> Int32 { try integer(field) }
    mutating func i64(_ field: String) throws(ProtocolError) -> Int64 { try integer(field) }
    mutating func f64(_ field: String) throws(ProtocolError) -> Double { Double(bitPattern: try integer(field)) }

    /// A byte that must be 0 or 1.
    mutating func bool(_ field: String, in message: String) throws(ProtocolError) -> Bool {
        switch try u8(field) {
        case 0: return false
        case 1: return true
        case let other: throw .inconsistent(message: message, reason: "\(field) is \(other), expected 0 or 1")
        }
    }

    /// A u32 element count whose elements (at least `elementSize` bytes each) must fit in what is left.
    mutating func count(_ field: String, elementSize: Int) throws(ProtocolError) -> Int {
        precondition(elementSize > 0, "elements take at least one byte")
        let value = Int(try u32(field))
        guard value <= remaining / elementSize else {
            throw .truncated(field: field, offset: offset, needed: value * elementSize, available: end)
        }
        return value
    }

    mutating func raw(_ field: String, count: Int) throws(ProtocolError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .truncated(field: field, offset: offset, needed: count, available: end) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func byteArray(_ field: String) throws(ProtocolError) -> [UInt8] {
        try raw(field, count: try count(field, elementSize: 1))
    }

    mutating func string(_ field: String, in message: String) throws(ProtocolError) -> String {
        let utf8 = try byteArray(field)
        guard let value = String(validating: utf8, as: UTF8.self) else {
            throw .inconsistent(message: message, reason: "\(field) is not valid UTF-8")
        }
        return value
    }

    /// A counted array whose elements take at least `minimumElementSize` bytes each.
    mutating func array<T>(_ field: String, minimumElementSize: Int,
                           _ element: (inout WireReader) throws(ProtocolError) -> T) throws(ProtocolError) -> [T] {
        let count = try count(field, elementSize: minimumElementSize)
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try element(&self)) }
        return values
    }

    /// Throws unless every byte up to the end has been read.
    func expectEnd(of message: String) throws(ProtocolError) {
        guard remaining == 0 else { throw .inconsistent(message: message, reason: "\(remaining) bytes after the last field") }
    }

    private mutating func integer<T: FixedWidthInteger>(_ field: String) throws(ProtocolError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .truncated(field: field, offset: offset, needed: size, available: end) }
        var value: T = 0
        for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }
}
