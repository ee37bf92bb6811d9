/// Why a calibration manifest or one of its shards cannot be used. Every case names the file
/// (the manifest, or the array it points to) and says what to change.
public enum CalibrationDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest cannot be read.
    case unreadable(file: String, reason: String)
    /// The manifest cannot be written.
    case unwritable(file: String, reason: String)
    /// The manifest is not JSON of the manifest's structure.
    case malformed(file: String, reason: String)
    /// A field of the manifest breaks a rule of docs/formats.md.
    case invalidField(file: String, field: String, reason: String)
    /// An array does not hold what calibration data needs (or what the manifest says it holds).
    case invalidArray(file: String, reason: String)
    /// The labels array has a different length than the images array.
    case labelCountMismatch(labels: String, labelCount: Int, images: String, imageCount: Int)
    /// A label is not a valid class index.
    case invalidLabel(file: String, sample: Int, value: Int)
    /// A float32 image holds NaN or ±∞ (`source` is the images file, or where a worker got the
    /// shard); `sample` is the first such sample's index in the whole set.
    case nonFiniteImage(source: String, sample: Int, value: Float)
    /// A shard's bytes no longer hash to the manifest's SHA-256.
    case hashMismatch(images: String, labels: String, shard: Int, samples: Range<Int>, expected: String, actual: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the manifest: \(reason)"
        case let .unwritable(file, reason):
            return "\(file): cannot write the manifest: \(reason)"
        case let .malformed(file, reason):
            return "\(file): not a lapq manifest: \(reason)"
        case let .invalidField(file, field, reason):
            return "\(file): \(field): \(reason)"
        case let .invalidArray(file, reason):
            return "\(file): \(reason)"
        case let .labelCountMismatch(labels, labelCount, images, imageCount):
            return "\(labels) has \(labelCount) labels but \(images) has \(imageCount) images; they need one label per image"
        case let .invalidLabel(file, sample, value):
            return "\(file): label \(value) of sample \(sample) is not a class index (labels must be ≥ 0)"
        case let .nonFiniteImage(source, sample, value):
            return "\(source): sample \(sample) holds \(value); calibration images must be finite numbers "
                + "(fix or drop that sample and regenerate the manifest)"
        case let .hashMismatch(images, labels, shard, samples, expected, actual):
            return "\(images) + \(labels): shard \(shard) (samples \(samples.lowerBound)..<\(samples.upperBound)) has SHA-256 \(actual) "
                + "but the manifest says \(expected); the data changed since the manifest was written (regenerate it with lapq-coord manifest)"
        }
    }
}
