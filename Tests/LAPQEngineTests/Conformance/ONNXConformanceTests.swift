import Foundation
import XCTest
@testable import LAPQEngine

/// ONNX's own backend node tests (issue 23): every case whose ops lapq supports, written by
/// Scripts/fixtures/gen-onnx-node-tests.py into the folder `LAPQ_ONNX_NODE_TESTS` names
/// (Scripts/test generates it), runs through the importer and both executors and must match
/// every output at the case's rtol/atol, or be refused with an `ONNXImportError`. With
/// `LAPQ_ONNX_CONFORMANCE_REPORT=FILE` the table of docs/engine.md is written to FILE.
final class ONNXConformanceTests: XCTestCase {
    private struct Index: Decodable {
        struct Entry: Decodable { let status: String }
        let onnxVersion: String
        let supportedOps: [String]
        let cases: [String: Entry]

        enum CodingKeys: String, CodingKey {
            case cases
            case onnxVersion = "onnx_version"
            case supportedOps = "supported_ops"
        }
    }

    func testNodeTestsPassOrAreRefused() throws {
        let root = try generatedFolder()
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: root.appendingPathComponent("index.json")))
        // A folder generated before an op was added would silently leave its cases out.
        XCTAssertEqual(index.supportedOps, ONNXImporter.supportedOps,
                       "\(root.path) was generated for another op list; run Scripts/fixtures/gen-onnx-node-tests.py again")
        let runner = ConformanceRunner(root: root)
        var results: [(testCase: ConformanceCase, outcome: ConformanceOutcome)] = []
        for name in index.cases.keys.sorted() where index.cases[name]?.status != "not selected" {
            let url = root.appendingPathComponent("\(name)/case.json")
            let testCase = try JSONDecoder().decode(ConformanceCase.self, from: Data(contentsOf: url))
            let outcome = try runner.outcome(of: testCase)
            if case .failed(let reason) = outcome { XCTFail("\(name): \(reason)") }
            results.append((testCase, outcome))
        }
        XCTAssertFalse(results.isEmpty, "no case in \(root.path)")
        let report = ConformanceReport(onnxVersion: index.onnxVersion, caseCount: index.cases.count,
                                       notSelectedCount: index.cases.count - results.count, results: results)
        if let path = ProcessInfo.processInfo.environment["LAPQ_ONNX_CONFORMANCE_REPORT"] {
            try report.markdown.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// The passing criterion itself: ONNX's assert_allclose, NaN equal to NaN.
    func testMismatchFollowsAssertAllClose() {
        let expected = Tensor(shape: [4], data: [1, -2, .nan, .infinity])
        let close = Tensor(shape: [4], data: [1.0015, -2, .nan, .infinity])
        XCTAssertNil(ConformanceRunner.mismatch(close, expected, rtol: 1e-3, atol: 1e-3))
        let far = Tensor(shape: [4], data: [1.003, -2, 0, .infinity])
        XCTAssertEqual(ConformanceRunner.mismatch(far, expected, rtol: 1e-3, atol: 1e-3),
                       "2 of 4 values differ; first at 0: 1.003, expected 1.0")
        XCTAssertNotNil(ConformanceRunner.mismatch(Tensor(shape: [2, 2], data: expected.data), expected, rtol: 1, atol: 1))
    }

    /// The generated folder; without it the test skips, or fails under Scripts/test
    /// (LAPQ_REQUIRE_PYTHON_TOOLS=1), which always generates it.
    private func generatedFolder() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["LAPQ_ONNX_NODE_TESTS"] ?? ""
        let root = URL(fileURLWithPath: path)
        if path.isEmpty || !FileManager.default.fileExists(atPath: root.appendingPathComponent("index.json").path) {
            let message = "no ONNX node tests at LAPQ_ONNX_NODE_TESTS='\(path)'; "
                + "generate them with Scripts/fixtures/gen-onnx-node-tests.py DIR (Scripts/test does)"
            if environment["LAPQ_REQUIRE_PYTHON_TOOLS"] == "1" { XCTFail(message) }
            throw XCTSkip(message)
        }
        return root
    }
}
