import XCTest
@testable import LAPQEngine

/// Shape arithmetic evaluated at import (docs/engine.md, "Shape arithmetic"): values as affine
/// functions of the batch size, the Reshape targets they make, and the channel-shuffle block.
final class ShapeFoldingTests: XCTestCase {
    private let context = NodeContext(file: "m.onnx", node: "n", op: "Div")

    func testTheChannelShuffleBlockImportsWithConstantShapesForEveryBatchSize() throws {
        let graph = try FixtureIndex.graph("channel_shuffle")
        let reshapes = graph.nodes.compactMap { node -> [Int]? in
            if case .reshape(let shape) = node.op { return shape } else { return nil }
        }
        XCTAssertEqual(reshapes, [[0, 2, 4, 8, 8], [0, -1, 8, 8]], "the batch is copied (0), the rest fixed")
        let slices = graph.nodes.compactMap { node -> SliceAttributes? in
            if case .slice(let attributes) = node.op { return attributes } else { return nil }
        }
        XCTAssertEqual(slices.map(\.starts), [[0], [4]])
        XCTAssertEqual(slices.map(\.ends), [[4], [8]])
        XCTAssertTrue(graph.nodes.contains { $0.op == .transpose(perm: [0, 2, 1, 3, 4]) })
        XCTAssertTrue(graph.nodes.contains { $0.op == .globalAveragePool }, "ReduceMean over H, W is a global average pool")
        for batch in [1, 3, 8] {
            let shapes = try graph.inferShapes(batchSize: batch)
            XCTAssertEqual(shapes[graph.outputs[0]], [batch, 10])
        }
    }

    func testBatchDependentValuesBecomeOnnxReshapeMarkers() {
        let n = BatchAffine.batch, fixed = BatchAffine.fixed
        XCTAssertEqual(FoldedInteger(shape: [3], values: [n, fixed(4), fixed(-1)]).reshapeTarget, [0, 4, -1])
        XCTAssertEqual(FoldedInteger(shape: [2], values: [fixed(2), BatchAffine(batchFactor: 3, offset: 0)]).reshapeTarget,
                       [2, -1])
        XCTAssertNil(FoldedInteger(shape: [3], values: [n, n, fixed(-1)]).reshapeTarget, "two inferred entries")
        XCTAssertNil(FoldedInteger(shape: [1], values: [n]).storedTensor)
        XCTAssertEqual(FoldedInteger(shape: [1], values: [fixed(7)]).storedTensor, .integer(shape: [1], values: [7]))
    }

    func testArithmeticKeepsTheAffineFormOrRefusesNamingTheNode() throws {
        let arithmetic = IntegerArithmetic(context: context)
        let batch = FoldedInteger(shape: [], values: [.batch])
        let two = FoldedInteger(shape: [1], values: [.fixed(2)])
        let doubled = try arithmetic.apply("Mul", batch, two)
        XCTAssertEqual(doubled.values, [BatchAffine(batchFactor: 2, offset: 0)])
        XCTAssertEqual(doubled.shape, [1], "broadcast shape")
        XCTAssertEqual(try arithmetic.apply("Div", doubled, two).values, [.batch])
        XCTAssertEqual(try arithmetic.apply("Sub", try arithmetic.apply("Add", batch, two), two).values, [.batch])
        XCTAssertEqual(try arithmetic.apply("Div", FoldedInteger(shape: [], values: [.fixed(7)]), two).values, [.fixed(3)])
        XCTAssertThrowsError(try arithmetic.apply("Div", batch, two)) { error in
            XCTAssertTrue("\(error)".contains("m.onnx: node 'n' (Div)"), "\(error)")
        }
        XCTAssertThrowsError(try arithmetic.apply("Mul", batch, batch))
    }

    func testConstantOfShapeNeedsABatchIndependentShape() throws {
        let folder = ShapeFolder(file: "m.onnx", opset: 17)
        let node = Onnx_NodeProto(name: "fill", opType: "ConstantOfShape", inputs: ["shape"], outputs: ["zeros"], attributes: [])
        let fixedShape = ["shape": FoldedInteger(shape: [2], values: [.fixed(2), .fixed(3)])]
        guard case .constant(.float(let zeros))? = try folder.fold(node, name: "fill", integers: fixedShape, shapes: [:],
                                                                    batched: []) else { return XCTFail("not folded") }
        XCTAssertEqual(zeros, Tensor(shape: [2, 3]))
        let batchShape = ["shape": FoldedInteger(shape: [2], values: [.batch, .fixed(3)])]
        XCTAssertThrowsError(try folder.fold(node, name: "fill", integers: batchShape, shapes: [:], batched: [])) { error in
            XCTAssertTrue("\(error)".contains("node 'fill' (ConstantOfShape)"), "\(error)")
        }
        let shapeNode = Onnx_NodeProto(name: "s", opType: "Shape", inputs: ["x"], outputs: ["dims"], attributes: [.int("start", 1)])
        guard case .integer(let dims)? = try folder.fold(shapeNode, name: "s", integers: [:], shapes: ["x": [1, 8, 5, 5]],
                                                         batched: ["x"]) else { return XCTFail("Shape not folded") }
        XCTAssertEqual(dims.fixedValues, [8, 5, 5])
        XCTAssertNil(try folder.fold(shapeNode, name: "s", integers: [:], shapes: [:], batched: []), "unknown shape")
    }
}
