/// A .npy array opened for reading by rows: the header is parsed and checked once (magic,
/// version, dtype, C order, file long enough for the data), then any range of rows — the
/// sub-arrays at consecutive first indices, e.g. the samples of one shard — is read without
/// touching the rest of the file. Reads are positioned (`pread`), so one `NPYFile` serves
/// concurrent readers.
public final class NPYFile: Sendable {
    /// The path as the caller spelled it; every error names it.
    public let path: String
    public let header: NPYHeader
    private let file: ReadOnlyFile

    /// Opens `path` and validates its header; throws `NPYError` naming the file.
    public init(path: String) throws {
        let file = try ReadOnlyFile(path: path)
        self.path = path
        self.file = file
        self.header = try NPYHeader.read(from: file)
    }

    public var dtype: NPYDType { header.dtype }
    public var shape: [Int] { header.shape }

    /// Rows along the first axis (1 for a 0-d array, which is read as one row).
    public var rowCount: Int { header.shape.first ?? 1 }

    /// The stored (little-endian) bytes of `rows`, exactly as in the file's data section.
    public func readBytes(rows: Range<Int>) throws -> [UInt8] {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount,
                     "rows \(rows) outside 0..<\(rowCount) of \(path)")
        let rowBytes = header.rowByteCount
        return try file.read(offset: header.dataOffset + rows.lowerBound * rowBytes, count: rows.count * rowBytes)
    }

    /// The elements of `rows`, flattened in C order; throws if the file holds another dtype.
    public func read<Element: NPYElement>(rows: Range<Int>, as type: Element.Type = Element.self) throws -> [Element] {
        guard header.dtype == Element.npyDType else {
            throw NPYError.dtypeMismatch(file: path, found: header.dtype, expected: [Element.npyDType])
        }
        return Self.decode(try readBytes(rows: rows), as: Element.self)
    }

    /// Every element of the array, flattened in C order. Meant for small arrays (labels, tests):
    /// large image arrays are read a shard at a time with `read(rows:)`.
    public func readAll<Element: NPYElement>(as type: Element.Type = Element.self) throws -> [Element] {
        try read(rows: 0..<rowCount, as: type)
    }

    /// Integers of `rows` as `Int`, from an `int64` or `int32` array (class labels).
    public func readIntegers(rows: Range<Int>) throws -> [Int] {
        try decodeIntegers(readBytes(rows: rows))
    }

    /// `bytes` read from this array (`int64` or `int32`) as `Int`s. `Int` is 64-bit on every
    /// platform lapq builds for, so the conversion is exact.
    public func decodeIntegers(_ bytes: [UInt8]) throws -> [Int] {
        guard let values = Self.decodeIntegers(bytes, as: header.dtype) else {
            throw NPYError.dtypeMismatch(file: path, found: header.dtype, expected: [.int64, .int32])
        }
        return values
    }

    /// Little-endian int64 or int32 elements as `Int`s (e.g. labels shipped without their
    /// file); nil for any other dtype.
    public static func decodeIntegers(_ bytes: [UInt8], as dtype: NPYDType) -> [Int]? {
        switch dtype {
        case .int64: return decode(bytes, as: Int64.self).map { Int($0) }
        case .int32: return decode(bytes, as: Int32.self).map { Int($0) }
        case .uint8, .float32: return nil
        }
    }

    /// Decodes little-endian elements; `bytes.count` must be a multiple of the element size.
    public static func decode<Element: NPYElement>(_ bytes: [UInt8], as type: Element.Type) -> [Element] {
        let size = Element.npyDType.byteCount
        precondition(bytes.count % size == 0, "\(bytes.count) bytes is not a whole number of \(Element.self)")
        return bytes.withUnsafeBytes { buffer in
            (0..<(bytes.count / size)).map { Element.fromLittleEndianBytes(buffer, offset: $0 * size) }
        }
    }
}
