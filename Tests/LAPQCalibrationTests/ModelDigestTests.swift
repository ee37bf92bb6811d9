import Foundation
import LAPQEngine
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

/// The resume digest of a model covers its external-data files: a re-export with the same
/// `.onnx` bytes and other weights is another model, and `--resume` must say so.
final class ModelDigestTests: XCTestCase {
    private let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    private var fixtures: URL { tests.appendingPathComponent("LAPQEngineTests/Fixtures") }

    func testTheDigestCoversTheModelThenItsExternalFile() throws {
        let model = fixtures.appendingPathComponent("external_data.onnx")
        let onnx = try Data(contentsOf: model), weights = try Data(contentsOf: fixtures.appendingPathComponent("external_data.weights"))
        let digest = try InputDigests.FileDigest(model: ONNXModelFiles(contentsOf: model), path: model.path)
        XCTAssertEqual(digest.sha256, SHA256Hasher.hex(SHA256Hasher.digest(Array(onnx) + Array(weights))))
        XCTAssertNotEqual(digest, try InputDigests.FileDigest(contentsOf: model))
    }

    func testAModelWithoutExternalDataKeepsItsFileDigest() throws {
        // Checkpoints written before external data counted stay resumable.
        let model = tests.deletingLastPathComponent().appendingPathComponent("examples/digits/digits.onnx")
        XCTAssertEqual(try InputDigests.FileDigest(model: ONNXModelFiles(contentsOf: model), path: model.path).sha256, try InputDigests.FileDigest(contentsOf: model).sha256)
    }

    func testOtherExternalWeightsAreAnotherModel() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for name in ["external_data.onnx", "external_data.weights"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: scratch.appendingPathComponent(name))
        }
        let model = scratch.appendingPathComponent("external_data.onnx")
        let before = try InputDigests.FileDigest(model: ONNXModelFiles(contentsOf: model), path: model.path)
        var weights = try Data(contentsOf: scratch.appendingPathComponent("external_data.weights"))
        weights[weights.count / 2] ^= 0x01
        try weights.write(to: scratch.appendingPathComponent("external_data.weights"))
        XCTAssertNotEqual(try InputDigests.FileDigest(model: ONNXModelFiles(contentsOf: model), path: model.path), before)
    }
}
