import Foundation

/// Writes arrays as .npy files that numpy reads, byte for byte what `numpy.save` writes for the
/// same array and version: the header dict with sorted keys, 21 characters of spare room after
/// it (numpy's `GROWTH_AXIS_MAX_DIGITS`, so the first axis can be rewritten in place), padded
/// with spaces and a newline so that the data starts at a multiple of 64 bytes.
public enum NPYWriter {
    /// Writes `values` (C order) with `shape` to `url`, replacing any file there. `version` nil
    /// picks numpy's default: 1.0, or 2.0 when the header does not fit a 16-bit length.
    public static func write<Element: NPYElement>(
        _ values: [Element], shape: [Int], to url: URL, version: NPYFormatVersion? = nil
    ) throws {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(values.count)")
        var bytes = headerBytes(dtype: Element.npyDType, shape: shape, version: version)
        bytes.reserveCapacity(bytes.count + values.count * Element.npyDType.byteCount)
        for value in values { value.appendLittleEndianBytes(to: &bytes) }
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw NPYError.ioFailure(file: url.path, operation: "write", reason: error.localizedDescription)
        }
    }

    /// Magic, version, header length and the padded header text for an array of `dtype` and `shape`.
    static func headerBytes(dtype: NPYDType, shape: [Int], version: NPYFormatVersion?) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var text = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first { text += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let textBytes = Array(text.utf8)
        let chosen = version ?? (paddedLength(textBytes.count, .v1) <= 65_535 ? .v1 : .v2)
        let headerLength = paddedLength(textBytes.count, chosen)
        precondition(chosen != .v1 || headerLength <= 65_535, "a header of \(headerLength) bytes needs format 2.0")
        var bytes = NPYHeader.magic + [UInt8(chosen.rawValue), 0]
        for index in 0..<chosen.lengthFieldByteCount { bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * index))) }
        return bytes + textBytes + [UInt8](repeating: 0x20, count: headerLength - textBytes.count - 1) + [0x0A]
    }

    /// Header length after padding: text, spaces and the final newline, so that prefix plus
    /// header is a multiple of 64 (numpy adds a full 64 spaces when it already is one).
    private static func paddedLength(_ textByteCount: Int, _ version: NPYFormatVersion) -> Int {
        let unpadded = version.prefixByteCount + textByteCount + 1
        return textByteCount + 1 + (64 - unpadded % 64)
    }
}
