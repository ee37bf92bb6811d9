import Foundation
import LAPQEngine

/// One shard as the network consumes it.
public struct CalibrationShard: Sendable, Equatable {
    public let id: Int
    /// The samples of the calibration set this shard holds.
    public let samples: Range<Int>
    /// The network input after preprocessing, float32 `(count, C, H, W)`.
    public let input: Tensor
    /// Class index of each sample.
    public let labels: [Int]
}

/// Serves the shards of a calibration manifest: opens the manifest's arrays once, checks that
/// they are what the manifest describes, and on each `load(shard:)` reads only that shard's
/// bytes, verifies their SHA-256 against the manifest, and returns the preprocessed NCHW
/// input with the labels. Loads of different shards may run concurrently.
public final class ShardStore: Sendable {
    public let manifest: CalibrationManifest
    /// The manifest's path, as given; errors about the manifest name it.
    public let manifestPath: String
    public let arrays: CalibrationArrays

    /// Loads and validates the manifest at `url` and opens the arrays it names (relative to its directory).
    public convenience init(manifestAt url: URL) throws {
        try self.init(manifest: CalibrationManifest.load(from: url), manifestPath: url.path,
                      directory: url.deletingLastPathComponent())
    }

    /// Validates `manifest`, opens its arrays (relative paths resolved against `directory`) and
    /// checks that their dtype, shape and length match it.
    public init(manifest: CalibrationManifest, manifestPath: String, directory: URL) throws {
        try manifest.validate(file: manifestPath)
        let arrays = try CalibrationArrays(
            imagesPath: CalibrationManifest.resolve(manifest.images.file, against: directory).path,
            labelsPath: CalibrationManifest.resolve(manifest.labels.file, against: directory).path)
        let imagesPath = arrays.images.path
        guard arrays.layout == manifest.images.layout else {
            throw CalibrationDataError.invalidArray(file: imagesPath, reason: "holds '\(arrays.images.dtype.descr)' elements "
                + "but \(manifestPath) says layout \(manifest.images.layout.rawValue); regenerate the manifest")
        }
        guard arrays.images.shape == manifest.images.shape else {
            throw CalibrationDataError.invalidArray(file: imagesPath, reason: "has shape \(arrays.images.shape) "
                + "but \(manifestPath) says \(manifest.images.shape); regenerate the manifest")
        }
        self.manifest = manifest
        self.manifestPath = manifestPath
        self.arrays = arrays
    }

    public var shardCount: Int { manifest.shards.count }
    public var sampleCount: Int { manifest.sampleCount }

    /// One sample's network-input shape `[C, H, W]`.
    public var sampleShape: [Int] { manifest.images.layout.sampleShape(stored: manifest.images.shape) }

    /// The stored bytes of shard `id`, after checking them against the manifest's SHA-256 and
    /// that its images are finite (the coordinator ships these bytes; a manifest made before
    /// that check existed may name such data). `id` must be in `0..<shardCount`.
    public func verifiedBytes(shard id: Int) throws -> (images: [UInt8], labels: [UInt8]) {
        precondition(manifest.shards.indices.contains(id), "shard \(id) outside 0..<\(shardCount)")
        let shard = manifest.shards[id]
        let bytes = try arrays.storedBytes(samples: shard.samples)
        let actual = CalibrationArrays.sha256(images: bytes.images, labels: bytes.labels)
        guard actual == shard.sha256 else {
            throw CalibrationDataError.hashMismatch(images: arrays.images.path, labels: arrays.labels.path, shard: id,
                                                    samples: shard.samples, expected: shard.sha256, actual: actual)
        }
        try manifest.images.layout.requireFinite(stored: bytes.images, samples: shard.samples, source: arrays.images.path)
        return bytes
    }

    /// Shard `id` as network input and labels: reads and verifies its bytes, checks the labels,
    /// preprocesses the images. `id` must be in `0..<shardCount`.
    public func load(shard id: Int) throws -> CalibrationShard {
        let bytes = try verifiedBytes(shard: id)
        let samples = manifest.shards[id].samples
        let labels = try arrays.classIndices(stored: bytes.labels, samples: samples)
        let input = Self.networkInput(storedImages: bytes.images, layout: manifest.images.layout,
                                      preprocessing: manifest.preprocessing, sampleShape: sampleShape)
        return CalibrationShard(id: id, samples: samples, input: Tensor(shape: [samples.count] + sampleShape, data: input), labels: labels)
    }

    /// The network input (NCHW float32) of a shard's stored image bytes, exactly as
    /// `load(shard:)` computes it; a remote worker decoding shipped bytes calls this too, so its
    /// inputs are bit-identical to a local run's.
    public static func networkInput(storedImages bytes: [UInt8], layout: ImageLayout, preprocessing: Preprocessing,
                                    sampleShape: [Int]) -> [Float] {
        switch layout {
        case .nhwcUInt8:
            return preprocessing.input(fromNHWC: bytes, sampleShape: sampleShape)
        case .nchwFloat32:
            return preprocessing.input(fromNCHW: NPYFile.decode(bytes, as: Float.self), sampleShape: sampleShape)
        }
    }
}
