import Foundation
import XCTest
@testable import LAPQData

/// Findings 2 and 3 of issue #11: one NaN pixel gave a plausible-looking calibration, and one
/// infinite pixel crashed the statistics pass on a `Histogram` precondition. Non-finite data is
/// now refused where it enters — manifest creation and every shard load — naming the file and
/// the sample (the driver's side is `NonFiniteNetworkTests`).
final class NonFiniteDataTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }
    override func tearDown() { scratch.remove() }

    /// Ten float32 (1, 2, 2) images, sample `bad` holding `value` in its last element.
    private func writeSet(bad: Int, value: Float) throws -> (images: String, labels: String) {
        var pixels = (0..<40).map { Float($0) / 40 }
        pixels[bad * 4 + 3] = value
        let images = scratch.file("images.npy"), labels = scratch.file("labels.npy")
        try NPYWriter.write(pixels, shape: [10, 1, 2, 2], to: images)
        try NPYWriter.write((0..<10).map { Int64($0 % 2) }, shape: [10], to: labels)
        return (images.path, labels.path)
    }

    func testManifestRefusesNaNAndInfinityNamingTheFileAndSample() throws {
        for (bad, value) in [(5, Float.nan), (0, Float.infinity), (9, -Float.infinity)] {
            let set = try writeSet(bad: bad, value: value)
            assertThrows(try CalibrationManifest.create(imagesPath: set.images, labelsPath: set.labels, shardSize: 4,
                                                        preprocessing: .identity, manifestURL: scratch.file("calib.json")),
                         mentioning: [set.images, "sample \(bad) holds \(value)"])
        }
    }

    /// A manifest written before the check (its hashes cover the bad bytes) still cannot feed
    /// a run: the shard load refuses it, locally and on the coordinator before it ships bytes.
    func testShardLoadRefusesNonFiniteImagesOfAnOlderManifest() throws {
        let set = try writeSet(bad: 6, value: .nan)
        let arrays = try CalibrationArrays(imagesPath: set.images, labelsPath: set.labels)
        let shards = try stride(from: 0, to: 10, by: 4).enumerated().map { id, start -> CalibrationManifest.Shard in
            let bytes = try arrays.storedBytes(samples: start..<min(start + 4, 10))
            return .init(id: id, start: start, count: min(4, 10 - start),
                         sha256: CalibrationArrays.sha256(images: bytes.images, labels: bytes.labels))
        }
        let manifest = CalibrationManifest(images: .init(file: "images.npy", layout: .nchwFloat32, shape: [10, 1, 2, 2]),
                                           labels: .init(file: "labels.npy", count: 10), preprocessing: .identity, shards: shards)
        try manifest.write(to: scratch.file("calib.json"))
        let store = try ShardStore(manifestAt: scratch.file("calib.json"))
        XCTAssertNoThrow(try store.load(shard: 0))
        assertThrows(try store.load(shard: 1), mentioning: [set.images, "sample 6 holds nan"])
        assertThrows(try store.verifiedBytes(shard: 1), mentioning: [set.images, "sample 6"])
    }
}
