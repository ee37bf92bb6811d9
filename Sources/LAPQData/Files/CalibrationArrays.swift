
/// The images and labels arrays of a calibration set, opened once and checked to fit
/// together: images `uint8` `(N, H, W, C)` or `float32` `(N, C, H, W)`, labels `int64` (or
/// `int32`) `(N,)`. Reads one range of samples at a time, so no caller ever loads a whole
/// image array; safe to read from several threads at once.
public final class CalibrationArrays: Sendable {
    public let images: NPYFile
    public let labels: NPYFile
    /// The layout implied by the images' dtype.
    public let layout: ImageLayout

    /// Opens both arrays; throws `NPYError` for unreadable files and `CalibrationDataError`
    /// for arrays of the wrong kind or of different lengths, naming the files.
    public init(imagesPath: String, labelsPath: String) throws {
        images = try NPYFile(path: imagesPath)
        labels = try NPYFile(path: labelsPath)
        guard images.shape.count == 4, let layout = ImageLayout(dtype: images.dtype) else {
            throw CalibrationDataError.invalidArray(file: imagesPath, reason: "holds '\(images.dtype.descr)' with shape \(images.shape); "
                + "calibration images are uint8 (N, H, W, C) or float32 (N, C, H, W)")
        }
        guard images.shape.allSatisfy({ $0 > 0 }) else {
            throw CalibrationDataError.invalidArray(file: imagesPath, reason: "has shape \(images.shape); every dimension must be positive")
        }
        guard labels.shape.count == 1, [.int64, .int32].contains(labels.dtype) else {
            throw CalibrationDataError.invalidArray(file: labelsPath, reason: "holds '\(labels.dtype.descr)' with shape \(labels.shape); "
                + "labels are int64 (or int32) with shape (N,)")
        }
        guard labels.rowCount == images.rowCount else {
            throw CalibrationDataError.labelCountMismatch(labels: labelsPath, labelCount: labels.rowCount,
                                                          images: imagesPath, imageCount: images.rowCount)
        }
        self.layout = layout
    }

    /// N.
    public var sampleCount: Int { images.rowCount }

    /// The stored image bytes and label bytes of `samples`, exactly as in the data sections.
    public func storedBytes(samples: Range<Int>) throws -> (images: [UInt8], labels: [UInt8]) {
        (try images.readBytes(rows: samples), try labels.readBytes(rows: samples))
    }

    /// Class indices from the stored label bytes of `samples`; throws for a negative label,
    /// naming the file and the sample.
    public func classIndices(stored bytes: [UInt8], samples: Range<Int>) throws -> [Int] {
        let values = try labels.decodeIntegers(bytes)
        precondition(values.count == samples.count, "\(values.count) labels for samples \(samples)")
        if let offset = values.firstIndex(where: { $0 < 0 }) {
            throw CalibrationDataError.invalidLabel(file: labels.path, sample: samples.lowerBound + offset, value: values[offset])
        }
        return values
    }

    /// Lower-case hex SHA-256 of a shard: its image bytes followed by its label bytes (docs/formats.md).
    public static func sha256(images: [UInt8], labels: [UInt8]) -> String {
        var hasher = SHA256Hasher()
        hasher.update(images)
        hasher.update(labels)
        return SHA256Hasher.hex(hasher.finalize())
    }
}
