import LAPQMath
import XCTest
@testable import LAPQEngine

/// The IR's validation, topological order and shape rules, on hand-built graphs.
final class GraphTests: XCTestCase {
    private let input = GraphInput(name: "x", sampleShape: [4, 6, 6])
    private let weights: [String: Tensor] = ["W": Tensor(shape: [8, 4, 3, 3]), "B": Tensor(shape: [8])]

    private func conv(_ name: String, _ source: String, _ output: String) -> Node {
        let attributes = ConvAttributes(kernelShape: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1])
        return Node(name: name, op: .conv(attributes), inputs: [source, "W", "B"], outputs: [output])
    }

    private func chain() -> [Node] {
        [conv("conv", "x", "c"), Node(name: "relu", op: .relu, inputs: ["c"], outputs: ["r"]),
         Node(name: "pool", op: .globalAveragePool, inputs: ["r"], outputs: ["p"]),
         Node(name: "flat", op: .flatten(axis: 1), inputs: ["p"], outputs: ["f"])]
    }

    func testNodesAreSortedTopologicallyWhateverTheGivenOrder() throws {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<20 {
            let graph = try Graph(input: input, initializers: weights, nodes: chain().shuffled(using: &generator), outputs: ["f"])
            XCTAssertEqual(graph.nodes.map(\.name), ["conv", "relu", "pool", "flat"])
        }
    }

    func testCycleIsRejectedNamingItsNodes() {
        let nodes = [Node(name: "a", op: .add, inputs: ["x", "bOut"], outputs: ["aOut"]),
                     Node(name: "b", op: .relu, inputs: ["aOut"], outputs: ["bOut"]),
                     Node(name: "after", op: .relu, inputs: ["bOut"], outputs: ["y"])]
        XCTAssertThrowsError(try Graph(input: input, initializers: [:], nodes: nodes, outputs: ["y"])) { error in
            XCTAssertEqual(error as? GraphError, .cycle(nodes: ["a", "after", "b"]))
        }
    }

    func testUndefinedAndDuplicateTensorsAndBadArityAreRejected() {
        let undefined = [Node(name: "r", op: .relu, inputs: ["nope"], outputs: ["y"])]
        XCTAssertThrowsError(try Graph(input: input, initializers: [:], nodes: undefined, outputs: ["y"])) {
            XCTAssertEqual($0 as? GraphError, .undefinedTensor(tensor: "nope", node: "r"))
        }
        let duplicate = [Node(name: "r", op: .relu, inputs: ["x"], outputs: ["y"]),
                         Node(name: "s", op: .sigmoid, inputs: ["x"], outputs: ["y"])]
        XCTAssertThrowsError(try Graph(input: input, initializers: [:], nodes: duplicate, outputs: ["y"])) {
            XCTAssertEqual($0 as? GraphError, .duplicateTensor(tensor: "y", node: "s"))
        }
        let arity = [Node(name: "m", op: .mul, inputs: ["x"], outputs: ["y"])]
        XCTAssertThrowsError(try Graph(input: input, initializers: [:], nodes: arity, outputs: ["y"])) {
            guard case .arity(node: "m", op: "Mul", _, inputs: 1, outputs: 1)? = $0 as? GraphError else { return XCTFail("\($0)") }
        }
    }

    func testShapesOfAChain() throws {
        let graph = try Graph(input: input, initializers: weights, nodes: chain(), outputs: ["f"])
        let shapes = try graph.inferShapes(batchSize: 3)
        XCTAssertEqual(shapes["x"], [3, 4, 6, 6])
        XCTAssertEqual(shapes["c"], [3, 8, 6, 6])
        XCTAssertEqual(shapes["p"], [3, 8, 1, 1])
        XCTAssertEqual(shapes["f"], [3, 8])
        XCTAssertEqual(shapes["W"], [8, 4, 3, 3])
    }

    func testShapeMismatchNamesTheNode() throws {
        let wrong = GraphInput(name: "x", sampleShape: [5, 6, 6])
        let graph = try Graph(input: wrong, initializers: weights, nodes: chain(), outputs: ["f"])
        XCTAssertThrowsError(try graph.inferShapes(batchSize: 1)) { error in
            guard case .shapeMismatch(node: "conv", op: "Conv", let reason)? = error as? GraphError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("group"), reason)
        }
    }

    func testReshapeThatMixesTheBatchIsRejected() throws {
        let nodes = [Node(name: "flat", op: .reshape(shape: [-1]), inputs: ["x"], outputs: ["y"])]
        let graph = try Graph(input: input, initializers: [:], nodes: nodes, outputs: ["y"])
        XCTAssertThrowsError(try graph.inferShapes(batchSize: 2)) { error in
            guard case .shapeMismatch(node: "flat", op: "Reshape", _)? = error as? GraphError else { return XCTFail("\(error)") }
        }
        let keeping = [Node(name: "flat", op: .reshape(shape: [0, -1, 3]), inputs: ["x"], outputs: ["y"])]
        let kept = try Graph(input: input, initializers: [:], nodes: keeping, outputs: ["y"])
        XCTAssertEqual(try kept.inferShapes(batchSize: 2)["y"], [2, 48, 3])
    }

    /// At batch size 1 a Flatten at axis 0 keeps the leading 1, yet at batch 2 it would merge
    /// the samples (ONNX's test_flatten_axis0 was imported, then failed on its first run).
    func testFlattenAtAxisZeroIsRejectedAtEveryBatchSize() throws {
        for axis in [0, -4] {
            let nodes = [Node(name: "flat", op: .flatten(axis: axis), inputs: ["x"], outputs: ["y"])]
            let graph = try Graph(input: input, initializers: [:], nodes: nodes, outputs: ["y"])
            XCTAssertThrowsError(try graph.inferShapes(batchSize: 1)) { error in
                XCTAssertEqual(error as? GraphError, .shapeMismatch(node: "flat", op: "Flatten",
                                                                   reason: "Flatten at axis 0 merges the samples of a batch"))
            }
        }
    }

    func testBroadcastMatMulGemmAndConcatRules() throws {
        XCTAssertEqual(try ShapeRules.broadcast([2, 3, 1, 5], [4, 1]), [2, 3, 4, 5])
        XCTAssertThrowsError(try ShapeRules.broadcast([2, 3], [4]))
        XCTAssertEqual(try ShapeRules.outputShape(of: .matMul, operands: [[2, 5, 7, 3], [3, 4]]), [2, 5, 7, 4])
        let gemm = Operator.gemm(GemmAttributes(transA: true, transB: true))
        XCTAssertEqual(try ShapeRules.outputShape(of: gemm, operands: [[6, 2], [4, 6], [4]]), [2, 4])
        XCTAssertEqual(try ShapeRules.outputShape(of: .concat(axis: -3), operands: [[2, 3, 4, 4], [2, 5, 4, 4]]), [2, 8, 4, 4])
        XCTAssertThrowsError(try ShapeRules.outputShape(of: .concat(axis: 1), operands: [[2, 3, 4, 4], [2, 5, 4, 3]]))
    }

    func testHalfPrecisionSpecialValues() {
        XCTAssertEqual(HalfPrecision.float(fromHalf: 0x7C00), .infinity)
        XCTAssertEqual(HalfPrecision.float(fromHalf: 0xFC00), -.infinity)
        XCTAssertTrue(HalfPrecision.float(fromHalf: 0x7E00).isNaN)
        XCTAssertEqual(HalfPrecision.float(fromHalf: 0x8000).sign, .minus)
        XCTAssertEqual(HalfPrecision.float(fromHalf: 0x83FF), -Float(0x3FF) * Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(HalfPrecision.float(fromBFloat16: 0x3F80), 1)
    }
}
