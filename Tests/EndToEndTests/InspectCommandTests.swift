import Foundation
import XCTest

/// `lapq-coord inspect`: the graph lapq runs after import, the points the plan flags make and
/// what stays float, as text and as JSON, on the bundled example and on a fixture whose shape
/// arithmetic import folds.
final class InspectCommandTests: XCTestCase {
    private let digits = CommandRunner.repository.appendingPathComponent("examples/digits/digits.onnx").path
    private let fixtures = CommandRunner.repository.appendingPathComponent("Tests/LAPQEngineTests/Fixtures")

    func testDigitsTextShowsOpCountsPointsFloatLayersAndShapes() throws {
        let outcome = try CommandRunner.lapqCoord(["inspect", "--model", digits])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        for expected in [
            "model      \(digits) (ONNX opset 13, pytorch 2.15.0)",
            "input      input: 1×8×8 per sample",
            "outputs    logits: 10 per sample",
            "ONNX       10 nodes: Conv 3, Relu 3, Flatten 1, Gemm 1, GlobalAveragePool 1, MaxPool 1",
            "lapq runs  10 nodes: Conv 3, Relu 3, Flatten 1, Gemm 1, GlobalAveragePool 1, MaxPool 1",
            "quantization points (W4/A4, per-tensor weights): 2 weight, 2 activation, 4 step sizes",
            "  weight      onnx::Conv_38        4 bits  signed    per-tensor   /3/Conv",
            "  activation  /2/Relu_output_0     4 bits  unsigned  per-tensor   /3/Conv",
            "  weight      onnx::Conv_41        4 bits  signed    per-tensor   /7/Conv",
            "  activation  /6/MaxPool_output_0  4 bits  unsigned  per-tensor   /7/Conv",
            "  /0/Conv   Conv  first weighted layer (float by default; --quantize-first-layer)",
            "  /12/Gemm  Gemm  last weighted layer (float by default; --quantize-last-layer)",
        ] {
            XCTAssertTrue(lines.contains(expected), "no line '\(expected)' in:\n\(outcome.standardOutput)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("  /6/MaxPool ") && $0.hasSuffix(" 1×32×4×4") }, outcome.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  /7/Conv ") && $0.hasSuffix(" 1×32×4×4  weight + input") },
                      outcome.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  /12/Gemm ") && $0.hasSuffix(" 1×10      float (last layer)") },
                      outcome.standardOutput)
    }

    /// The plan flags are calibrate's: here the first layer joins the plan, one layer is kept
    /// float by name and weights get a step per channel.
    func testShuffleFixtureJSONCountsTheFoldedGraphAndFollowsThePlanFlags() throws {
        let outcome = try CommandRunner.lapqCoord([
            "inspect", "--model", fixtures.appendingPathComponent("channel_shuffle.onnx").path, "--json",
            "--bits", "3/5", "--quantize-first-layer", "--keep-float", "Conv_2", "--weight-granularity", "per-channel",
        ])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let onnx = try XCTUnwrap(json["onnx"] as? [String: Any])
        XCTAssertEqual(onnx["nodeCount"] as? Int, 43)
        XCTAssertEqual((onnx["opCounts"] as? [String: Int])?["Shape"], 5)
        XCTAssertEqual(json["opCounts"] as? [String: Int], ["Conv": 5, "Relu": 4, "Reshape": 2, "Slice": 2, "Concat": 1,
                                                           "Flatten": 1, "Gemm": 1, "GlobalAveragePool": 1, "Transpose": 1])
        let points = try XCTUnwrap((json["plan"] as? [String: Any])?["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { "\($0["kind"] ?? ""):\($0["tensor"] ?? ""):\($0["bits"] ?? "")" }, [
            "weight:W_0:3", "activation:input:5", "weight:W_11:3", "activation:Slice_1_out:5",
            "weight:W_15:3", "activation:Conv_2_out:5", "weight:W_31:3", "activation:Reshape_1_out:5",
        ])
        XCTAssertEqual(points.first?["stepCount"] as? Int, 8, "per-channel: Conv_0 has 8 output channels")
        let nodes = try XCTUnwrap(json["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.count, 18)
        let conv2 = try XCTUnwrap(nodes.first { $0["name"] as? String == "Conv_2" })
        XCTAssertEqual(conv2["floatReasons"] as? [[String: String]], [["kind": "keep-float", "pattern": "Conv_2"]])
        XCTAssertEqual(conv2["outputShape"] as? [Int], [1, 4, 8, 8])
        let gemm = try XCTUnwrap(nodes.last)
        XCTAssertEqual(gemm["floatReasons"] as? [[String: String]], [["kind": "last-layer"]])
    }

    /// An import failure is one error line, as in the other commands, and hints at inspect.
    func testUnsupportedOpIsOneErrorLine() throws {
        let outcome = try CommandRunner.lapqCoord(["inspect", "--model", fixtures.appendingPathComponent("unsupported_op.onnx").path])
        XCTAssertNotEqual(outcome.status, 0)
        let errors = outcome.standardError.split(separator: "\n").filter { $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, outcome.standardError)
        XCTAssertTrue(errors.first?.contains("node 'Elu_0' uses op 'Elu', which lapq does not support") ?? false, outcome.standardError)
        XCTAssertTrue(errors.first?.contains("lapq-coord inspect --model") ?? false, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput, "")
    }
}
