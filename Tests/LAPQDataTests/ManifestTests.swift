import Foundation
import XCTest
@testable import LAPQData

/// Loading, writing and validating manifests (docs/formats.md).
final class ManifestTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
    }

    override func tearDown() {
        scratch.remove()
    }

    private let valid = CalibrationManifest(
        images: .init(file: "images.npy", layout: .nhwcUInt8, shape: [10, 4, 4, 3]),
        labels: .init(file: "labels.npy", count: 10),
        preprocessing: Preprocessing(scale: 1.0 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
        shards: [
            .init(id: 0, start: 0, count: 4, sha256: String(repeating: "a", count: 64)),
            .init(id: 1, start: 4, count: 4, sha256: String(repeating: "b", count: 64)),
            .init(id: 2, start: 8, count: 2, sha256: String(repeating: "0", count: 64)),
        ])

    func testWriteThenLoadRoundTrips() throws {
        let url = scratch.file("calib.json")
        XCTAssertNoThrow(try valid.validate(file: "calib.json"))
        try valid.write(to: url)
        XCTAssertEqual(try CalibrationManifest.load(from: url), valid)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains("\"layout\" : \"NHWC-uint8\""), text)
        XCTAssertTrue(text.contains("\"format\" : \"lapq-manifest\""), text)
    }

    func testPreprocessingDefaultsToIdentity() throws {
        let url = scratch.file("calib.json")
        try Data("""
            {"format": "lapq-manifest", "version": 1,
             "images": {"file": "x.npy", "layout": "NCHW-float32", "shape": [3, 1, 2, 2]},
             "labels": {"file": "y.npy", "count": 3},
             "shards": [{"id": 0, "start": 0, "count": 3, "sha256": "\(String(repeating: "f", count: 64))"}]}
            """.utf8).write(to: url)
        XCTAssertEqual(try CalibrationManifest.load(from: url).preprocessing, .identity)
    }

    func testUnknownLayoutIsMalformedAndNamesTheField() throws {
        let url = scratch.file("calib.json")
        try valid.write(to: url)
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "NHWC-uint8", with: "NHWC-float16")
        try Data(text.utf8).write(to: url)
        assertThrows(try CalibrationManifest.load(from: url), mentioning: [url.path, "images.layout", "NHWC-float16"])
    }

    func testMissingKeyIsMalformed() throws {
        let url = scratch.file("calib.json")
        try Data(#"{"format": "lapq-manifest", "version": 1}"#.utf8).write(to: url)
        assertThrows(try CalibrationManifest.load(from: url), mentioning: [url.path, "missing key 'images'"])
    }

    func testMissingManifestFile() {
        let url = scratch.file("absent.json")
        assertThrows(try CalibrationManifest.load(from: url), mentioning: [url.path, "cannot read the manifest"])
    }

    func testValidationErrorsNameFileAndField() {
        let cases: [(String, (inout CalibrationManifest) -> Void, [String])] = [
            ("format", { $0.format = "other" }, ["format", "'other'"]),
            ("version", { $0.version = 2 }, ["version", "is 2"]),
            ("label count", { $0.labels.count = 9 }, ["labels.count", "is 9", "10 images"]),
            ("shape rank", { $0.images.shape = [10, 4, 4] }, ["images.shape", "four positive dimensions"]),
            ("zero dimension", { $0.images.shape = [10, 0, 4, 3] }, ["images.shape"]),
            ("mean length", { $0.preprocessing.mean = [0.5, 0.5] }, ["preprocessing.mean", "2 entries", "3 channels"]),
            ("zero std", { $0.preprocessing.std = [0] }, ["preprocessing.std", "non-zero"]),
            ("scale", { $0.preprocessing.scale = .infinity }, ["preprocessing.scale", "finite"]),
            ("no shards", { $0.shards = [] }, ["shards", "is empty"]),
            ("id order", { $0.shards[1].id = 2 }, ["shards[1]", "has id 2"]),
            ("gap", { $0.shards[1].start = 5 }, ["shards[1]", "starts at sample 5, expected 4"]),
            ("overrun", { $0.shards[2].count = 3 }, ["shards[2]", "count 3"]),
            ("short", { $0.shards[2].count = 1 }, ["shards", "cover samples [0, 9)", "there are 10"]),
            ("hash", { $0.shards[0].sha256 = "ABC" }, ["shards[0]", "'ABC'", "64 lower-case hex"]),
        ]
        for (name, edit, fragments) in cases {
            var manifest = valid
            edit(&manifest)
            assertThrows(try manifest.validate(file: "dir/calib.json"), mentioning: ["dir/calib.json: "] + fragments)
            XCTAssertThrowsError(try manifest.validate(file: "x"), name)
        }
    }

    func testPathsAreRelativeToTheManifestDirectory() {
        let data = URL(fileURLWithPath: "/data/imagenet/calib_images.npy")
        XCTAssertEqual(CalibrationManifest.relativePath(of: data, from: URL(fileURLWithPath: "/data/imagenet")), "calib_images.npy")
        XCTAssertEqual(CalibrationManifest.relativePath(of: data, from: URL(fileURLWithPath: "/data")), "imagenet/calib_images.npy")
        XCTAssertEqual(CalibrationManifest.relativePath(of: data, from: URL(fileURLWithPath: "/runs/r1")), "../../data/imagenet/calib_images.npy")
        XCTAssertEqual(CalibrationManifest.relativePath(of: URL(fileURLWithPath: "/a/./b/../x.npy"), from: URL(fileURLWithPath: "/a")), "x.npy")
        XCTAssertEqual(CalibrationManifest.resolve("../x.npy", against: URL(fileURLWithPath: "/a/b")).standardizedFileURL.path, "/a/x.npy")
        XCTAssertEqual(CalibrationManifest.resolve("/abs/x.npy", against: URL(fileURLWithPath: "/a/b")).path, "/abs/x.npy")
    }

    func testCreatedManifestInAnotherDirectoryFindsItsArrays() throws {
        let set = try XCTUnwrap(DataFixtures.load().calibration.first)
        let manifestURL = scratch.file("runs/calib.json")
        try FileManager.default.createDirectory(at: manifestURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let manifest = try CalibrationManifest.create(imagesPath: DataFixtures.path(set.images), labelsPath: DataFixtures.path(set.labels),
                                                      shardSize: 3, preprocessing: .identity, manifestURL: manifestURL)
        XCTAssertTrue(manifest.images.file.hasPrefix("../"), manifest.images.file)
        XCTAssertEqual(manifest.shards.map(\.count), [3, 3, 3, 1].prefix(manifest.shards.count).map { $0 })
        try manifest.write(to: manifestURL)
        let store = try ShardStore(manifestAt: manifestURL)
        XCTAssertEqual(try store.load(shard: store.shardCount - 1).labels, set.shards.last.map { Array($0.labels.suffix(1)) })
    }
}
