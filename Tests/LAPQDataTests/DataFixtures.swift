import Foundation
import XCTest

/// The goldens written by Scripts/goldens/gen-npy-goldens.py, as described by DataFixtures/index.json.
/// Found next to this source file (through `#filePath`), so the tests need no bundle resources.
struct DataFixtures: Decodable {
    struct StoredArray: Decodable {
        let file: String
        let version: Int
        let descr: String
        let shape: [Int]
        let values: [Double]
    }

    struct Preprocessing: Decodable {
        let scale: Double
        let mean: [Double]
        let std: [Double]
    }

    struct Shard: Decodable {
        let id: Int
        let start: Int
        let count: Int
        let sha256: String
        let input: [Double]
        let labels: [Int]
    }

    struct CalibrationSet: Decodable {
        let images: String
        let labels: String
        let layout: String
        let shape: [Int]
        let shardSize: Int
        let preprocessing: Preprocessing
        let shards: [Shard]
    }

    let arrays: [StoredArray]
    /// File name → what lapq must name in its refusal.
    let refused: [String: String]
    let calibration: [CalibrationSet]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("DataFixtures")

    static func load() throws -> DataFixtures {
        try JSONDecoder().decode(DataFixtures.self, from: Data(contentsOf: directory.appendingPathComponent("index.json")))
    }

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Copies a golden file here, so a test can damage it.
    func copy(fixture name: String, as newName: String? = nil) throws -> URL {
        let destination = file(newName ?? name)
        try FileManager.default.copyItem(at: DataFixtures.directory.appendingPathComponent(name), to: destination)
        return destination
    }
}

/// Asserts that `body` throws an error whose description contains every one of `fragments`.
func assertThrows<T>(_ body: @autoclosure () throws -> T, mentioning fragments: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
    } catch {
        let message = String(describing: error)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "'\(message)' does not mention '\(fragment)'", file: file, line: line)
        }
    }
}
