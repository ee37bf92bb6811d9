import XCTest
import LAPQKernels
@testable import LAPQEngine

/// Opset 13 has no HardSwish: the export writes its ONNX function body, and lapq's importer
/// fuses that body back (also the form older exporters write).
final class QDQExportHardSwishTests: XCTestCase {
    func testHardSwishIsWrittenAsHardSigmoidThenMul() throws {
        let exportCase = try QDQExportCase(fixture: "mobilenet_v3", weightBits: 4, activationBits: 4)
        let bytes = try QDQExporter.export(graph: exportCase.graph, plan: exportCase.plan, stepSizes: exportCase.stepSizes)
        let model = try Onnx_ModelProto(serializedBytes: bytes)
        let hardSwishes = exportCase.graph.nodes.filter { $0.op == .hardSwish }
        XCTAssertEqual(hardSwishes.count, 2)
        XCTAssertFalse(model.graph.node.contains { $0.opType == "HardSwish" })
        for node in hardSwishes {
            let mul = try XCTUnwrap(model.graph.node.first { $0.name == node.name }, node.name)
            XCTAssertEqual(mul.opType, "Mul", node.name)
            XCTAssertEqual(mul.output, node.outputs, node.name)
            let gate = try XCTUnwrap(model.graph.node.first { $0.output == [mul.input[1]] }, node.name)
            XCTAssertEqual(gate.opType, "HardSigmoid", node.name)
            XCTAssertEqual(gate.input, [mul.input[0]], node.name)
            let attributes = Dictionary(uniqueKeysWithValues: gate.attribute.map { ($0.name, $0.f) })
            XCTAssertEqual(attributes, ["alpha": Float(1.0 / 6.0), "beta": 0.5], node.name)
        }
        // The SE branch's HardSigmoid (an ordinary one) is written as itself.
        XCTAssertEqual(model.graph.node.filter { $0.opType == "HardSigmoid" }.count, hardSwishes.count + 1)
    }

    func testImportFusesOnlyTheExactFunctionBody() throws {
        let exact = Operator.hardSigmoid(alpha: hardSwishAlpha, beta: hardSwishBeta)
        XCTAssertEqual(try fusedOps(gate: exact, mulInputs: ["x", "g"]), [.hardSwish])
        XCTAssertEqual(try fusedOps(gate: exact, mulInputs: ["g", "x"]), [.hardSwish])
        let other = Operator.hardSigmoid(alpha: 0.2, beta: 0.5)
        XCTAssertEqual(try fusedOps(gate: other, mulInputs: ["x", "g"]), [other, .mul])
        // Mul by another tensor than the gate's input is a squeeze-excite scale, not HardSwish.
        XCTAssertEqual(try fusedOps(gate: exact, mulInputs: ["y", "g"]), [exact, .mul])
        // A gate that something else also reads must stay.
        XCTAssertEqual(try fusedOps(gate: exact, mulInputs: ["x", "g"], extraOutput: "g"), [exact, .mul])
    }

    /// The ops of a graph x → Relu → y; HardSigmoid(x) → g; Mul(mulInputs) → out after import rewriting.
    private func fusedOps(gate: Operator, mulInputs: [String], extraOutput: String? = nil) throws -> [Operator] {
        var rewriter = ImportRewriter(file: "t.onnx", initializers: [:], outputs: ["out"] + (extraOutput.map { [$0] } ?? []),
                                      takenNames: ["x", "y", "g", "out"])
        try rewriter.rewrite([
            .node(Node(name: "relu", op: .relu, inputs: ["x"], outputs: ["y"])),
            .node(Node(name: "gate", op: gate, inputs: ["x"], outputs: ["g"])),
            .node(Node(name: "mul", op: .mul, inputs: mulInputs, outputs: ["out"])),
        ])
        return rewriter.nodes.filter { $0.op != .relu }.map(\.op)
    }
}
