import XCTest
@testable import LAPQEngine

/// Import-time folding (docs/engine.md, "Import-time folding"): values read as affine functions
/// of the batch size from the probe sizes, the Reshape targets they make, the folder's one or
/// per-probe evaluation, and the channel-shuffle block.
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
        XCTAssertEqual(FoldedInteger(shape: [3], values: [n, fixed(4), fixed(-1)]).reshapeTarget(copiesLeadingBatch: true), [0, 4, -1])
        XCTAssertNil(FoldedInteger(shape: [3], values: [n, fixed(4), fixed(-1)]).reshapeTarget(copiesLeadingBatch: false),
                     "N cannot be copied from an input whose leading axis is not the batch, and −1 is taken")
        XCTAssertEqual(FoldedInteger(shape: [2], values: [n, fixed(4)]).reshapeTarget(copiesLeadingBatch: false), [-1, 4])
        XCTAssertEqual(FoldedInteger(shape: [2], values: [fixed(2), BatchAffine(batchFactor: 3, offset: 0)])
            .reshapeTarget(copiesLeadingBatch: true), [2, -1])
        XCTAssertNil(FoldedInteger(shape: [3], values: [n, n, fixed(-1)]).reshapeTarget(copiesLeadingBatch: true), "two inferred entries")
    }

    func testProbedValuesAreReadAsAffineInTheBatchSizeOnlyWhenEveryProbeAgrees() {
        let sizes = KnownValues.probeBatchSizes
        func probed(_ f: (Int64) -> Int64) -> ProbedValue {
            ProbedValue(probes: sizes.map { .integer(shape: [1], values: [f(Int64($0))]) })
        }
        XCTAssertEqual(probed { 2 * $0 + 3 }.folded(batchSizes: sizes)?.values, [BatchAffine(batchFactor: 2, offset: 3)])
        XCTAssertEqual(probed { _ in 7 }, .fixed(.integer(shape: [1], values: [7])))
        XCTAssertNil(probed { min($0, 8) }.folded(batchSizes: sizes), "a threshold between the small probes and 64")
        XCTAssertNil(probed { $0 * $0 }.folded(batchSizes: sizes))
        XCTAssertNil(probed { $0 / 2 }.folded(batchSizes: sizes))
        let growing = ProbedValue(probes: sizes.map { .integer(shape: [$0], values: Array(0..<Int64($0))) })
        XCTAssertNil(growing.folded(batchSizes: sizes), "a shape that depends on N has no affine form")
    }

    func testTheFolderEvaluatesOnceOrAtEveryProbeBatchSize() throws {
        let folder = ConstantFolder(file: "m.onnx", opset: 17)
        var known = KnownValues(constants: ["two": .integer(shape: [2], values: [2, 3])],
                                input: GraphInput(name: "x", sampleShape: [8, 5, 5]))
        let fill = Onnx_NodeProto(name: "fill", opType: "ConstantOfShape", inputs: ["two"], outputs: ["zeros"], attributes: [])
        XCTAssertEqual(try folder.fold(fill, name: "fill", known: known), .fixed(.float(Tensor(shape: [2, 3]))))
        let shape = Onnx_NodeProto(name: "s", opType: "Shape", inputs: ["x"], outputs: ["dims"], attributes: [.int("start", 1)])
        XCTAssertEqual(try folder.fold(shape, name: "s", known: known), .fixed(.integer(shape: [3], values: [8, 5, 5])))
        let batch = Onnx_NodeProto(name: "b", opType: "Shape", inputs: ["x"], outputs: ["n"], attributes: [.int("end", 1)])
        let n = try XCTUnwrap(try folder.fold(batch, name: "b", known: known))
        XCTAssertEqual(n.folded(batchSizes: KnownValues.probeBatchSizes)?.values, [.batch])
        known.add(n, as: "n")
        let range = Onnx_NodeProto(name: "r", opType: "Range", inputs: ["zero", "scalarN", "one"], outputs: ["iota"], attributes: [])
        known.add(.fixed(.integer(shape: [], values: [0])), as: "zero")
        known.add(.fixed(.integer(shape: [], values: [1])), as: "one")
        let squeeze = Onnx_NodeProto(name: "q", opType: "Squeeze", inputs: ["n"], outputs: ["scalarN"], attributes: [])
        known.add(try XCTUnwrap(try folder.fold(squeeze, name: "q", known: known)), as: "scalarN")
        let iota = try XCTUnwrap(try folder.fold(range, name: "r", known: known))
        XCTAssertEqual(iota.at(3), .integer(shape: [5], values: [0, 1, 2, 3, 4]), "Range(0, N) at the probe N = 5")
        let unknown = Onnx_NodeProto(name: "u", opType: "Shape", inputs: ["y"], outputs: ["d"], attributes: [])
        XCTAssertNil(try folder.fold(unknown, name: "u", known: known), "the shape of 'y' is not known")
        let relu = Onnx_NodeProto(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["r"], attributes: [])
        XCTAssertNil(try folder.fold(relu, name: "relu", known: known), "reads the pixels")
    }

    /// An opset-11 head as older exporters write it (BatchNormalization unfolded in the file,
    /// ReLU6 as Clip with bound inputs, GlobalAveragePool → Squeeze(axes) → Gemm): the Squeeze
    /// of a run-time tensor is a Reshape that keeps the batch, and the network computes what the
    /// same head with Flatten computes, at several batch sizes.
    func testAnOpset11SqueezeHeadImportsAsAView() throws {
        func head(_ view: Onnx_NodeProto) throws -> Graph {
            var model = ModelFactory.convModel()
            model.opsetImport[0].version = 11
            model.graph.initializer += [
                ModelFactory.floatTensor("scale", shape: [2], values: [1.5, 0.5]), ModelFactory.floatTensor("bias", shape: [2], values: [0.1, -0.2]),
                ModelFactory.floatTensor("mean", shape: [2], values: [0.3, 0.0]), ModelFactory.floatTensor("var", shape: [2], values: [2, 0.5]),
                ModelFactory.floatTensor("low", shape: [], values: [0]), ModelFactory.floatTensor("high", shape: [], values: [6]),
                ModelFactory.floatTensor("G", shape: [5, 2], values: (0..<10).map { Float($0) * 0.1 - 0.4 }),
            ]
            model.graph.node += [
                ModelFactory.node("BatchNormalization", name: "bn", inputs: ["y", "scale", "bias", "mean", "var"], outputs: ["normalized"]),
                ModelFactory.node("Clip", name: "relu6", inputs: ["normalized", "low", "high"], outputs: ["clipped"]),
                ModelFactory.node("GlobalAveragePool", name: "pool", inputs: ["clipped"], outputs: ["pooled"]),
                view,
                { var gemm = ModelFactory.node("Gemm", name: "fc", inputs: ["features", "G"], outputs: ["logits"]); gemm.attribute = [.int("transB", 1)]; return gemm }(),
            ]
            model.graph.output = [ModelFactory.valueInfo("logits", dims: [nil, 5])]
            return try ONNXImporter.load(serialized: try model.serializedData(), file: "head.onnx", baseDirectory: nil)
        }
        var squeeze = ModelFactory.node("Squeeze", name: "squeeze", inputs: ["pooled"], outputs: ["features"])
        squeeze.attribute = [ModelFactory.ints("axes", [2, 3])]
        let squeezed = try head(squeeze)
        let flattened = try head(ModelFactory.node("Flatten", name: "flatten", inputs: ["pooled"], outputs: ["features"]))
        XCTAssertEqual(squeezed.nodes.first { $0.name == "squeeze" }?.op, .reshape(shape: [0, 2]))
        XCTAssertFalse(squeezed.nodes.contains { $0.name == "bn" }, "folded into the Conv")
        for batch in [1, 3] {
            let shape = squeezed.input.shape(batchSize: batch)
            let input = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { Float($0 % 7) * 0.25 - 0.5 })
            let float = QuantizationPlan(graph: squeezed, weightBits: 32, activationBits: 32)
            let expected = try ReferenceExecutor(graph: flattened, plan: float).run(input)
            XCTAssertEqual(try ReferenceExecutor(graph: squeezed, plan: float).run(input), expected)
            XCTAssertEqual(try Executor(graph: squeezed, plan: float).run(input), try Executor(graph: flattened, plan: float).run(input))
        }
    }

    /// Gather of a run-time tensor with indices known at import: a strided range becomes Slice +
    /// Reshape (a scalar index drops the axis), and gives the elements Gather selects; indices
    /// out of order are refused naming the node.
    func testGatherOfAStridedRangeIsASliceAndAnythingElseIsRefused() throws {
        func gathered(_ indices: [Int64], shape: [Int], axis: Int) throws -> Graph {
            var model = ModelFactory.convModel()
            var index = Onnx_TensorProto()
            index.name = "indices"
            index.dims = shape.map { Int64($0) }
            index.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            index.int64Data = indices
            model.graph.initializer.append(index)
            var gather = ModelFactory.node("Gather", name: "pick", inputs: ["y", "indices"], outputs: ["picked"])
            gather.attribute = [.int("axis", axis)]
            model.graph.node.append(gather)
            model.graph.output = [ModelFactory.valueInfo("picked", dims: [nil])]
            return try ONNXImporter.load(serialized: try model.serializedData(), file: "gather.onnx", baseDirectory: nil)
        }
        let plain = try ONNXImporter.load(serialized: try ModelFactory.convModel().serializedData(), file: "conv.onnx", baseDirectory: nil)
        let float = QuantizationPlan(graph: plain, weightBits: 32, activationBits: 32)
        let shape = plain.input.shape(batchSize: 2)
        let input = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { Float($0 % 11) - 5 })
        let y = try ReferenceExecutor(graph: plain, plan: float).run(input)   // (2, 2, 4, 4)
        let columns = try gathered([1, 3], shape: [2], axis: 3)
        XCTAssertTrue(columns.nodes.contains { $0.op == .slice(SliceAttributes(starts: [1], ends: [Int.max], axes: [3], steps: [2])) })
        let picked = try ReferenceExecutor(graph: columns, plan: float).run(input)
        XCTAssertEqual(picked.shape, [2, 2, 4, 2])
        XCTAssertEqual(picked.data, y.data.indices.filter { $0 % 2 == 1 }.map { y.data[$0] })
        let channel = try ReferenceExecutor(graph: try gathered([-1], shape: [], axis: 1), plan: float).run(input)
        XCTAssertEqual(channel.shape, [2, 4, 4], "a scalar index drops the axis")
        XCTAssertEqual(channel.data, Array(y.data[16..<32]) + Array(y.data[48..<64]))
        XCTAssertThrowsError(try gathered([2, 0], shape: [2], axis: 3)) { error in
            XCTAssertTrue("\(error)".contains("node 'pick' (Gather)") && "\(error)".contains("strided range"), "\(error)")
        }
    }
}
