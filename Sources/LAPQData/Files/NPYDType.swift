/// The element types lapq reads from and writes to .npy files: the subset calibration data
/// needs (docs/formats.md). Every multi-byte type is little-endian, as numpy writes it on the
/// machines lapq runs on.
public enum NPYDType: String, Sendable, CaseIterable, Codable {
    /// `|u1`: decoded pixels.
    case uint8 = "|u1"
    /// `<f4`: already transformed network inputs.
    case float32 = "<f4"
    /// `<i8`: class labels as numpy stores them by default.
    case int64 = "<i8"
    /// `<i4`: class labels written on a platform whose default integer is 32-bit.
    case int32 = "<i4"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .uint8: return 1
        case .int32, .float32: return 4
        case .int64: return 8
        }
    }

    /// The numpy `descr` string this type is written with.
    public var descr: String { rawValue }

    /// The dtype a header's `descr` names, or nil when lapq does not read it. A one-byte type
    /// has no byte order, so `<u1` and `>u1` (legal, if unusual) mean `|u1`.
    public init?(descr: String) {
        switch descr {
        case "|u1", "<u1", ">u1", "=u1": self = .uint8
        default:
            guard let type = NPYDType(rawValue: descr) else { return nil }
            self = type
        }
    }

    /// The `descr` strings lapq accepts, for error messages.
    public static var supportedDescrs: [String] { allCases.map(\.descr) }
}

/// A Swift scalar type that maps to one `NPYDType`, so arrays can be read and written generically.
public protocol NPYElement: Sendable {
    static var npyDType: NPYDType { get }
    /// Appends the little-endian bytes of `self`.
    func appendLittleEndianBytes(to bytes: inout [UInt8])
    /// Decodes one element from `byteCount` little-endian bytes at `offset`.
    static func fromLittleEndianBytes(_ bytes: UnsafeRawBufferPointer, offset: Int) -> Self
}

extension NPYElement where Self: FixedWidthInteger {
    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: littleEndian) { bytes.append(contentsOf: $0) }
    }

    public static func fromLittleEndianBytes(_ bytes: UnsafeRawBufferPointer, offset: Int) -> Self {
        Self(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Self.self))
    }
}

extension UInt8: NPYElement {
    public static var npyDType: NPYDType { .uint8 }
}

extension Int32: NPYElement {
    public static var npyDType: NPYDType { .int32 }
}

extension Int64: NPYElement {
    public static var npyDType: NPYDType { .int64 }
}

extension Float: NPYElement {
    public static var npyDType: NPYDType { .float32 }

    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public static func fromLittleEndianBytes(_ bytes: UnsafeRawBufferPointer, offset: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
}
