/// Appends little-endian fields to a byte buffer: the one place the wire's byte order and
/// array framing (a u32 count, then the elements) are written.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { integer(value) }
    mutating func u32(_ value: UInt32) { integer(value) }
    mutating func u64(_ value: UInt64) { integer(value) }
    mutating func i32(_ value: Int32) { integer(value) }
    mutating func i64(_ value: Int64) { integer(value) }
    mutating func f64(_ value: Double) { integer(value.bitPattern) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// A count that must fit the wire's u32; callers' arrays are far below that.
    mutating func count(_ value: Int) {
        precondition(value >= 0 && value <= Int(UInt32.max), "count \(value) does not fit a u32")
        u32(UInt32(value))
    }

    mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    mutating func byteArray(_ value: [UInt8]) {
        count(value.count)
        raw(value)
    }

    mutating func string(_ value: String) { byteArray(Array(value.utf8)) }

    mutating func array<T>(_ values: [T], _ element: (inout WireWriter, T) -> Void) {
        count(values.count)
        for value in values { element(&self, value) }
    }

    private mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
