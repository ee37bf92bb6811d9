import XCTest
import LAPQMath
@testable import LAPQEngine

/// With no quantization points the export is the lapq graph written as plain ONNX, which
/// lapq's own importer reads back: the same nodes and constants, the same outputs.
final class QDQExportRoundTripTests: XCTestCase {
    func testFloatExportReimportsToTheSameNetwork() throws {
        for entry in try FixtureIndex.runnable() {
            let graph = try FixtureIndex.graph(entry.name)
            let plan = QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32)
            let bytes = try QDQExporter.export(graph: graph, plan: plan, stepSizes: [])
            let reimported = try ONNXImporter.load(serialized: bytes, file: entry.name, baseDirectory: nil)
            if !graph.nodes.contains(where: { $0.op == .scaleShift }) {
                // A ScaleShift comes back from its BatchNormalization under fresh constant names.
                XCTAssertEqual(reimported, graph, entry.name)
            }
            XCTAssertEqual(reimported.nodes.map(\.name), graph.nodes.map(\.name), entry.name)
            XCTAssertEqual(reimported.nodes.map(\.op), graph.nodes.map(\.op), entry.name)
            let input = try FixtureIndex.tensor(entry.input)
            let expected = try ReferenceExecutor(graph: graph, plan: plan).run(input)
            let actual = try ReferenceExecutor(graph: reimported, plan: plan).run(input)
            XCTAssertEqual(actual, expected, entry.name)
        }
    }
}
