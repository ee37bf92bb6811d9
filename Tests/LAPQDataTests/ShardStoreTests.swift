import Foundation
import LAPQEngine
import XCTest
@testable import LAPQData

/// Manifests made from numpy's arrays reproduce Python's hashes and preprocessed inputs exactly.
final class ShardStoreTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
    }

    override func tearDown() {
        scratch.remove()
    }

    func testShardsMatchPythonHashesInputsAndLabels() throws {
        for set in try DataFixtures.load().calibration {
            let store = try makeStore(set)
            XCTAssertEqual(store.manifest.images.layout.rawValue, set.layout)
            XCTAssertEqual(store.manifest.shards.map(\.sha256), set.shards.map(\.sha256), set.images)
            XCTAssertEqual(store.shardCount, set.shards.count)
            for expected in set.shards {
                let shard = try store.load(shard: expected.id)
                XCTAssertEqual(shard.samples, expected.start..<(expected.start + expected.count))
                XCTAssertEqual(shard.input.shape, [expected.count] + store.sampleShape)
                XCTAssertEqual(shard.input.data, expected.input.map { Float($0) }, "\(set.images) shard \(expected.id)")
                XCTAssertEqual(shard.labels, expected.labels)
            }
        }
    }

    func testLastShardIsShorter() throws {
        let set = try uint8Set()
        let store = try makeStore(set)
        XCTAssertEqual(store.manifest.shards.map(\.samples), [0..<4, 4..<8, 8..<10])
        XCTAssertEqual(try store.load(shard: 2).input.shape, [2, 2, 3, 2])
    }

    func testFlippedByteNamesFileShardAndBothHashes() throws {
        let set = try uint8Set()
        let store = try makeStore(set)
        let imagesURL = scratch.file(set.images)
        var bytes = try Data(contentsOf: imagesURL)
        let header = try NPYFile(path: imagesURL.path).header
        bytes[header.dataOffset + 5 * header.rowByteCount] ^= 0x01
        try bytes.write(to: imagesURL)
        XCTAssertNoThrow(try store.load(shard: 0))
        assertThrows(try store.load(shard: 1),
                     mentioning: [imagesURL.path, "shard 1", "samples 4..<8", set.shards[1].sha256, "regenerate"])
        XCTAssertNoThrow(try store.load(shard: 2))
    }

    func testNegativeLabelNamesFileAndSample() throws {
        let url = scratch.file("labels.npy")
        try NPYWriter.write([UInt8](repeating: 7, count: 3 * 2 * 2), shape: [3, 2, 2, 1], to: scratch.file("images.npy"))
        try NPYWriter.write([Int64(0), 2, -1], shape: [3], to: url)
        assertThrows(try manifest(images: "images.npy", labels: "labels.npy", shardSize: 2),
                     mentioning: [url.path, "label -1 of sample 2"])
    }

    func testArrayChangedShapeSinceManifest() throws {
        let set = try uint8Set()
        let store = try makeStore(set)
        var edited = store.manifest
        edited.images.shape = [10, 2, 3, 1]
        edited.preprocessing = .identity
        assertThrows(try ShardStore(manifest: edited, manifestPath: "calib.json", directory: scratch.url),
                     mentioning: [scratch.file(set.images).path, "[10, 3, 2, 2]", "calib.json says [10, 2, 3, 1]"])
    }

    func testLayoutDisagreeingWithDTypeIsRefused() throws {
        let set = try uint8Set()
        var edited = try makeStore(set).manifest
        edited.images.layout = .nchwFloat32
        edited.preprocessing = .identity
        assertThrows(try ShardStore(manifest: edited, manifestPath: "calib.json", directory: scratch.url),
                     mentioning: [scratch.file(set.images).path, "'|u1'", "NCHW-float32"])
    }

    func testLabelCountMismatchNamesBothFiles() throws {
        try NPYWriter.write([Float](repeating: 0, count: 4 * 3), shape: [4, 3, 1, 1], to: scratch.file("x.npy"))
        try NPYWriter.write([Int64](repeating: 0, count: 3), shape: [3], to: scratch.file("y.npy"))
        assertThrows(try manifest(images: "x.npy", labels: "y.npy", shardSize: 2),
                     mentioning: [scratch.file("y.npy").path, "3 labels", scratch.file("x.npy").path, "4 images"])
    }

    func testLabelsOfWrongKindAreRefused() throws {
        try NPYWriter.write([Float](repeating: 0, count: 4 * 3), shape: [4, 3, 1, 1], to: scratch.file("x.npy"))
        try NPYWriter.write([Float](repeating: 0, count: 4), shape: [4], to: scratch.file("y.npy"))
        assertThrows(try manifest(images: "x.npy", labels: "y.npy", shardSize: 2),
                     mentioning: [scratch.file("y.npy").path, "'<f4'", "int64"])
    }

    func testImagesOfWrongRankAreRefused() throws {
        try NPYWriter.write([UInt8](repeating: 0, count: 12), shape: [4, 3], to: scratch.file("x.npy"))
        try NPYWriter.write([Int64](repeating: 0, count: 4), shape: [4], to: scratch.file("y.npy"))
        assertThrows(try manifest(images: "x.npy", labels: "y.npy", shardSize: 2),
                     mentioning: [scratch.file("x.npy").path, "shape [4, 3]", "(N, H, W, C)"])
    }

    private func uint8Set() throws -> DataFixtures.CalibrationSet {
        try XCTUnwrap(DataFixtures.load().calibration.first { $0.layout == "NHWC-uint8" })
    }

    /// Copies the set's arrays to the scratch directory, writes its manifest there, and opens it.
    private func makeStore(_ set: DataFixtures.CalibrationSet) throws -> ShardStore {
        _ = try scratch.copy(fixture: set.images)
        _ = try scratch.copy(fixture: set.labels)
        let preprocessing = Preprocessing(scale: set.preprocessing.scale, mean: set.preprocessing.mean, std: set.preprocessing.std)
        let created = try manifest(images: set.images, labels: set.labels, shardSize: set.shardSize, preprocessing: preprocessing)
        try created.write(to: scratch.file("calib.json"))
        return try ShardStore(manifestAt: scratch.file("calib.json"))
    }

    private func manifest(images: String, labels: String, shardSize: Int,
                          preprocessing: Preprocessing = .identity) throws -> CalibrationManifest {
        try CalibrationManifest.create(imagesPath: scratch.file(images).path, labelsPath: scratch.file(labels).path,
                                       shardSize: shardSize, preprocessing: preprocessing,
                                       manifestURL: scratch.file("calib.json"))
    }
}
