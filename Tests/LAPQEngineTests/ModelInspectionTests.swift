import Foundation
import XCTest
@testable import LAPQEngine

/// `ModelInspection` against what the fixtures' index recorded and what the plan makes: the
/// inspection adds no rule of its own, it shows the importer's graph and the plan's points.
final class ModelInspectionTests: XCTestCase {
    private func inspect(_ name: String, _ settings: PlanSettings) throws -> (ModelInspection, FixtureIndex.Entry, Graph) {
        let entry = try FixtureIndex.entry(name)
        let url = try FixtureIndex.directory().appendingPathComponent(entry.model)
        return (try ModelInspection(contentsOf: url, settings: settings), entry, try FixtureIndex.graph(name))
    }

    func testCountsShapesAndPointsAreTheImportersAndThePlans() throws {
        for name in ["resnet", "dense_block", "convnext_block"] {
            let settings = PlanSettings(weightBits: 4, activationBits: 3)
            let (inspection, entry, graph) = try inspect(name, settings)
            XCTAssertEqual(inspection.onnx.opset, entry.opset, name)
            XCTAssertEqual(inspection.onnx.nodeCount, entry.onnxNodeCount, name)
            XCTAssertEqual(inspection.onnx.opCounts.values.reduce(0, +), entry.onnxNodeCount, name)
            XCTAssertEqual(inspection.nodes.map(\.name), graph.nodes.map(\.name), name)
            XCTAssertEqual(inspection.opCounts.values.reduce(0, +), entry.expectedNodeCount, name)
            XCTAssertEqual(inspection.opCounts["Conv"], graph.nodes.filter { $0.op.name == "Conv" }.count, name)
            XCTAssertEqual(inspection.plan, QuantizationPlan(graph: graph, settings: settings), name)
            let shapes = try graph.inferShapes(batchSize: 1)
            XCTAssertEqual(inspection.nodes.map(\.outputShape), graph.nodes.map { shapes[$0.output] ?? [] }, name)
            XCTAssertEqual(inspection.input.shape, [1] + entry.input.shape.dropFirst(), name)
            XCTAssertEqual(inspection.outputs.map(\.shape), entry.outputs.map { [1] + $0.shape.dropFirst() }, name)
            for node in inspection.nodes {
                let read = inspection.plan.points.filter { $0.consumers.contains(node.name) }.map(\.name)
                XCTAssertEqual(node.quantizedInputs, read, "\(name) \(node.name)")
            }
        }
    }

    /// The first and last weighted layer stay float by default, every other op because lapq
    /// does not quantize it; a middle layer is quantized whole.
    func testDefaultReasons() throws {
        let (inspection, entry, _) = try inspect("resnet", PlanSettings(weightBits: 4, activationBits: 4))
        let layers = entry.quantizableNodes
        let reasons = Dictionary(uniqueKeysWithValues: inspection.nodes.map { ($0.name, $0.floatReasons) })
        XCTAssertEqual(reasons[layers[0]], [.firstLayer])
        XCTAssertEqual(reasons[layers[layers.count - 1]], [.lastLayer])
        XCTAssertEqual(reasons[layers[1]], [])
        for node in inspection.nodes where !layers.contains(node.name) {
            XCTAssertEqual(node.floatReasons, [.notQuantizable], node.name)
        }
    }

    /// A pattern over one weight keeps only that weight float and names the pattern; 32-bit
    /// activations keep every layer's input float; a pattern that matches nothing is refused,
    /// as calibrate refuses it.
    func testKeepFloatAndFloatBitsAreNamed() throws {
        let graph = try FixtureIndex.graph("vgg")
        let layer = try XCTUnwrap(graph.nodes.filter(\.op.isQuantizable).dropFirst().first)
        let (byWeight, _, _) = try inspect("vgg", PlanSettings(weightBits: 4, activationBits: 4, keepFloat: [layer.inputs[1]]))
        let row = try XCTUnwrap(byWeight.nodes.first { $0.name == layer.name })
        XCTAssertEqual(row.quantizedInputs, ["activation:\(layer.inputs[0])"])
        XCTAssertEqual(row.floatReasons, [.keepFloat(pattern: layer.inputs[1])])

        let (floatActivations, _, _) = try inspect("vgg", PlanSettings(weightBits: 4, activationBits: 32))
        let middle = floatActivations.nodes.filter { $0.floatReasons != [.notQuantizable] }.dropFirst().dropLast()
        XCTAssertFalse(middle.isEmpty)
        for node in middle {
            XCTAssertEqual(node.floatReasons, [.floatBits], node.name)
            XCTAssertEqual(node.quantizedInputs.count, 1, node.name)
        }

        XCTAssertThrowsError(try inspect("vgg", PlanSettings(weightBits: 4, activationBits: 4, keepFloat: ["zz*"]))) { error in
            XCTAssertTrue("\(error)".hasPrefix("--keep-float 'zz*' matches no layer"), "\(error)")
        }
    }

    /// JSON names a reason by a kind a script can switch on, with the pattern when there is one.
    func testFloatReasonJSON() throws {
        let encoded = try JSONEncoder().encode([FloatReason.firstLayer, .keepFloat(pattern: "fc.*"), .notQuantizable])
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [[String: String]])
        XCTAssertEqual(objects, [["kind": "first-layer"], ["kind": "keep-float", "pattern": "fc.*"], ["kind": "not-quantizable"]])
    }
}
