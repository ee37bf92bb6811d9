/// Why a .npy file could not be read or written. Every case names the file (as the caller
/// spelled it), so the message tells a user which array to fix or regenerate.
public enum NPYError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file at that path.
    case fileNotFound(file: String)
    /// The file exists but the system refused to open, read or write it.
    case ioFailure(file: String, operation: String, reason: String)
    /// The file does not start with the .npy magic string `\x93NUMPY`.
    case notNPY(file: String)
    /// A format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: Int, minor: Int)
    /// The header is not the Python dict literal numpy writes.
    case malformedHeader(file: String, reason: String)
    /// An element type outside `NPYDType`.
    case unsupportedDType(file: String, descr: String, supported: [String])
    /// The array is stored in Fortran (column-major) order.
    case fortranOrder(file: String)
    /// The file ends before the data the header describes.
    case truncated(file: String, expectedBytes: Int, actualBytes: Int)
    /// The array holds a different element type than the caller asked for.
    case dtypeMismatch(file: String, found: NPYDType, expected: [NPYDType])

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): no such file"
        case let .ioFailure(file, operation, reason):
            return "\(file): cannot \(operation): \(reason)"
        case let .notNPY(file):
            return "\(file): not a NumPy .npy file (it does not start with \\x93NUMPY)"
        case let .unsupportedVersion(file, major, minor):
            return "\(file): .npy format version \(major).\(minor) is not supported; lapq reads 1.0, 2.0 and 3.0"
        case let .malformedHeader(file, reason):
            return "\(file): malformed .npy header: \(reason)"
        case let .unsupportedDType(file, descr, supported):
            return "\(file): dtype '\(descr)' is not supported; supported: \(supported.joined(separator: ", "))"
        case let .fortranOrder(file):
            return "\(file): the array is in Fortran order; save it in C order (numpy.ascontiguousarray)"
        case let .truncated(file, expected, actual):
            return "\(file): truncated: the header describes \(expected) bytes but the file has \(actual)"
        case let .dtypeMismatch(file, found, expected):
            let names = expected.map(\.descr).joined(separator: " or ")
            return "\(file): holds '\(found.descr)' elements where \(names) is needed"
        }
    }
}
