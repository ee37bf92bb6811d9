import Foundation
import XCTest
import LAPQEngine

/// The fixtures written by Scripts/fixtures/make-fixtures.py, as described by Fixtures/index.json.
struct FixtureIndex: Decodable {
    struct TensorFile: Decodable {
        let file: String
        let shape: [Int]
    }

    struct ExpectedError: Decodable {
        let node: String
        let op: String
    }

    struct Entry: Decodable {
        let name: String
        let model: String
        let opset: Int
        let input: TensorFile
        let outputs: [TensorFile]
        let onnxNodeCount: Int
        let expectedNodeCount: Int
        let quantizableNodes: [String]
        let scaleShiftCount: Int?
        let externalData: String?
        let expectedError: ExpectedError?
    }

    let fixtures: [Entry]

    static func directory() throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }

    static func load() throws -> FixtureIndex {
        let data = try Data(contentsOf: directory().appendingPathComponent("index.json"))
        return try JSONDecoder().decode(FixtureIndex.self, from: data)
    }

    static func entry(_ name: String) throws -> Entry {
        try XCTUnwrap(load().fixtures.first { $0.name == name }, "no fixture \(name)")
    }

    /// The graph of fixture `name`, or of `exports/<model>`: a torch export of the shared CIFAR
    /// ResNet-20 (`exporterFixtures()`).
    static func graph(_ name: String) throws -> Graph {
        if name.hasPrefix("exports/") {
            return try ONNXImporter.load(contentsOf: exporterFixtures().appendingPathComponent(name.dropFirst(8) + ".onnx"))
        }
        let entry = try entry(name)
        return try ONNXImporter.load(contentsOf: directory().appendingPathComponent(entry.model))
    }

    /// The folder of Scripts/fixtures/make-exporter-fixtures.py, which converts the shared CIFAR
    /// exports (../shared/data/cifar10, never committed) into an ignored folder; Scripts/test sets
    /// LAPQ_EXPORTER_FIXTURES when the shared files are there. Without them the tests that read
    /// it are skipped, saying why.
    static func exporterFixtures() throws -> URL {
        guard let path = ProcessInfo.processInfo.environment["LAPQ_EXPORTER_FIXTURES"],
              FileManager.default.fileExists(atPath: path + "/exports.json") else {
            throw XCTSkip("no exporter fixtures: ../shared/data/cifar10 is not here (LAPQ_EXPORTER_FIXTURES unset or empty)")
        }
        return URL(fileURLWithPath: path)
    }
}
