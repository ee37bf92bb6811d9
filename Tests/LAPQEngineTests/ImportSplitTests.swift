import XCTest
@testable import LAPQEngine
import LAPQKernels

/// Split of a run-time tensor imports as one Slice per output (`NodeTranslator.split`): the parts
/// from the `split` input, from equal division, or from opset 18's `num_outputs`; a split of the
/// batch axis or parts that do not add up to the axis are refused naming the node. ONNX's own
/// Split node tests run in ONNXConformanceTests.
final class ImportSplitTests: XCTestCase {
    /// The Conv model's y (N, 2, 4, 4), split by `split` into a and b, then Concat(b, a) on the
    /// same axis: the parts in swapped order.
    private func swapped(_ split: Onnx_NodeProto, opset: Int64 = 13, parts: [Int64]? = nil) throws -> Graph {
        var model = ModelFactory.convModel()
        model.opsetImport[0].version = opset
        if let parts {
            var tensor = Onnx_TensorProto()
            tensor.name = "parts"
            tensor.dims = [Int64(parts.count)]
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            tensor.int64Data = parts
            model.graph.initializer.append(tensor)
        }
        let axis = split.attribute.first { $0.name == "axis" }?.i ?? 0
        var concat = ModelFactory.node("Concat", name: "concat", inputs: ["b", "a"], outputs: ["joined"])
        concat.attribute = [.int("axis", Int(axis))]
        model.graph.node += [split, concat]
        model.graph.output = [ModelFactory.valueInfo("joined", dims: [nil, 2, 4, 4])]
        return try ONNXImporter.load(serialized: try model.serializedData(), file: "split.onnx", baseDirectory: nil)
    }

    private func splitNode(axis: Int, inputs: [String] = ["y"], attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = ModelFactory.node("Split", name: "split", inputs: inputs, outputs: ["a", "b"])
        node.attribute = [.int("axis", axis)] + attributes
        return node
    }

    /// y and the swapped graph's output for the same input at batch size 2: by the reference
    /// executor, then by the executor (whose convolution rounds otherwise).
    private func run(_ graph: Graph) throws -> [(y: Tensor, joined: Tensor)] {
        let plain = try ONNXImporter.load(serialized: try ModelFactory.convModel().serializedData(), file: "conv.onnx", baseDirectory: nil)
        let float = QuantizationPlan(graph: plain, weightBits: 32, activationBits: 32)
        let shape = plain.input.shape(batchSize: 2)
        let input = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { Float($0 % 11) - 5 })
        return [(try ReferenceExecutor(graph: plain, plan: float).run(input), try ReferenceExecutor(graph: graph, plan: float).run(input)),
                (try Executor(graph: plain, plan: float).run(input), try Executor(graph: graph, plan: float).run(input))]
    }

    /// Each executor's output is its own y with the index along `axis` mapped by `source`.
    private func assertSwapped(_ graph: Graph, axis: Int, source: (Int) -> Int, line: UInt = #line) throws {
        for (y, joined) in try run(graph) {
            XCTAssertEqual(joined.shape, y.shape, line: line)
            XCTAssertEqual(joined.data, permuted(y, axis: axis, source: source), line: line)
        }
    }

    /// y's elements with the index along `axis` (of y's shape) mapped by `source`.
    private func permuted(_ y: Tensor, axis: Int, source: (Int) -> Int) -> [Float] {
        let inner = y.shape[(axis + 1)...].reduce(1, *), size = y.shape[axis]
        return y.data.indices.map { index in
            let position = (index / inner) % size
            return y.data[index + (source(position) - position) * inner]
        }
    }

    func testTheSplitInputGivesEachOutputItsSlice() throws {
        let graph = try swapped(splitNode(axis: 3, inputs: ["y", "parts"]), parts: [1, 3])
        let slices = graph.nodes.filter { $0.name.hasPrefix("split/") }.map(\.op)
        XCTAssertEqual(slices, [.slice(SliceAttributes(starts: [0], ends: [1], axes: [3], steps: [1])),
                                .slice(SliceAttributes(starts: [1], ends: [4], axes: [3], steps: [1]))])
        // Concat(b, a): columns 1, 2, 3, then 0.
        try assertSwapped(graph, axis: 3) { ($0 + 1) % 4 }
    }

    func testWithoutPartsTheAxisIsDividedEqually() throws {
        try assertSwapped(try swapped(splitNode(axis: 2), opset: 11), axis: 2) { ($0 + 2) % 4 }
    }

    func testOpset18NumOutputsSplitsTheChannels() throws {
        try assertSwapped(try swapped(splitNode(axis: -3, attributes: [.int("num_outputs", 2)]), opset: 18), axis: 1) { 1 - $0 }
    }

    func testASplitOfTheBatchOrPartsThatMissTheAxisAreRefused() throws {
        XCTAssertThrowsError(try swapped(splitNode(axis: 0))) { error in
            XCTAssertTrue("\(error)".contains("node 'split' (Split)") && "\(error)".contains("batch size"), "\(error)")
        }
        XCTAssertThrowsError(try swapped(splitNode(axis: 3, inputs: ["y", "parts"]), parts: [1, 2])) { error in
            XCTAssertTrue("\(error)".contains("node 'split' (Split)") && "\(error)".contains("parts [1, 2]"), "\(error)")
        }
        XCTAssertThrowsError(try swapped(splitNode(axis: 1, attributes: [.int("num_outputs", 3)]), opset: 18)) { error in
            XCTAssertTrue("\(error)".contains("none of them empty"), "\(error)")
        }
    }
}
