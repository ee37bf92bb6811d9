/// The .npy format versions: they differ in the width of the header-length field and in the
/// header's text encoding (numpy's `format` module documents all three).
public enum NPYFormatVersion: Int, Sendable, CaseIterable {
    /// 1.0: 16-bit header length, latin-1 header.
    case v1 = 1
    /// 2.0: 32-bit header length, latin-1 header (for headers of 64 KiB or more).
    case v2 = 2
    /// 3.0: 32-bit header length, UTF-8 header.
    case v3 = 3

    /// Bytes of the little-endian header-length field after the magic and version bytes.
    var lengthFieldByteCount: Int { self == .v1 ? 2 : 4 }

    /// Bytes before the header text: magic (6), version (2), length field.
    var prefixByteCount: Int { 8 + lengthFieldByteCount }
}

/// What a .npy header says: element type, shape, and where the data starts. Only C-order
/// arrays of an `NPYDType` are representable; the parser rejects everything else.
public struct NPYHeader: Sendable, Equatable {
    public var version: NPYFormatVersion
    public var dtype: NPYDType
    public var shape: [Int]
    /// Byte offset of the first element: prefix plus header text.
    public var dataOffset: Int

    /// Elements in the array (1 for a 0-d array).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of the data section.
    public var dataByteCount: Int { elementCount * dtype.byteCount }

    /// Bytes of one row (the sub-array at a fixed first index); the element size for a 0-d array.
    public var rowByteCount: Int { shape.dropFirst().reduce(1, *) * dtype.byteCount }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The longest header lapq reads; numpy's own default limit is 10 000 bytes, and a longer
    /// one is more likely a corrupt length field than a real array.
    static let maximumHeaderByteCount = 1 << 20

    /// Reads and checks the header of `file`.
    static func read(from file: ReadOnlyFile) throws -> NPYHeader {
        let name = file.path
        let start = try file.read(offset: 0, count: min(12, file.byteCount))
        guard start.count >= 8, Array(start[0..<6]) == magic else { throw NPYError.notNPY(file: name) }
        guard let version = NPYFormatVersion(rawValue: Int(start[6])), start[7] == 0 else {
            throw NPYError.unsupportedVersion(file: name, major: Int(start[6]), minor: Int(start[7]))
        }
        guard start.count >= version.prefixByteCount else {
            throw NPYError.malformedHeader(file: name, reason: "the file ends inside the header")
        }
        let headerLength = start[8..<version.prefixByteCount].reversed().reduce(0) { $0 << 8 | Int($1) }
        let dataOffset = version.prefixByteCount + headerLength
        guard headerLength <= maximumHeaderByteCount, dataOffset <= file.byteCount else {
            throw NPYError.malformedHeader(file: name, reason: "header length \(headerLength) runs past the end of the file (\(file.byteCount) bytes)")
        }
        let text = try file.read(offset: version.prefixByteCount, count: headerLength)
        let header = try parse(decode(text, version: version), version: version, dataOffset: dataOffset, file: name)
        guard file.byteCount - dataOffset >= header.dataByteCount else {
            throw NPYError.truncated(file: name, expectedBytes: dataOffset + header.dataByteCount, actualBytes: file.byteCount)
        }
        return header
    }

    /// Header text in its version's encoding: latin-1 (each byte one scalar) or UTF-8.
    private static func decode(_ bytes: [UInt8], version: NPYFormatVersion) -> String {
        version == .v3 ? String(decoding: bytes, as: UTF8.self) : String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// Interprets the header dict: exactly the keys `descr`, `fortran_order` and `shape`, as numpy requires.
    static func parse(_ text: String, version: NPYFormatVersion, dataOffset: Int, file: String) throws -> NPYHeader {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw NPYError.malformedHeader(file: file, reason: error.reason)
        }
        guard case let .dict(entries) = literal, Set(entries.keys) == ["descr", "fortran_order", "shape"] else {
            throw NPYError.malformedHeader(file: file, reason: "expected a dict with keys 'descr', 'fortran_order' and 'shape'")
        }
        guard case let .bool(fortranOrder) = entries["fortran_order"] else {
            throw NPYError.malformedHeader(file: file, reason: "'fortran_order' is not True or False")
        }
        let shape = try parseShape(entries["shape"], file: file)
        guard case let .string(descr) = entries["descr"] else {
            throw NPYError.unsupportedDType(file: file, descr: "structured dtype", supported: NPYDType.supportedDescrs)
        }
        guard let dtype = NPYDType(descr: descr) else {
            throw NPYError.unsupportedDType(file: file, descr: descr, supported: NPYDType.supportedDescrs)
        }
        // A Fortran-ordered array of at most one dimension is laid out as in C order.
        guard !fortranOrder || shape.count <= 1 else { throw NPYError.fortranOrder(file: file) }
        return NPYHeader(version: version, dtype: dtype, shape: shape, dataOffset: dataOffset)
    }

    /// The shape tuple, checked to be non-negative and small enough that its byte count fits an Int.
    private static func parseShape(_ literal: PythonLiteral?, file: String) throws -> [Int] {
        guard case let .tuple(items) = literal else {
            throw NPYError.malformedHeader(file: file, reason: "'shape' is not a tuple")
        }
        var shape: [Int] = []
        var byteCount = 8
        for item in items {
            guard case let .integer(dimension) = item, dimension >= 0 else {
                throw NPYError.malformedHeader(file: file, reason: "'shape' holds something other than a non-negative integer")
            }
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw NPYError.malformedHeader(file: file, reason: "the shape's byte count overflows") }
            byteCount = product
            shape.append(dimension)
        }
        return shape
    }
}
