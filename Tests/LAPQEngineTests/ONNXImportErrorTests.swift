import LAPQMath
import Foundation
import XCTest
@testable import LAPQEngine

/// Every user-caused import failure is an `ONNXImportError` whose message names the file and,
/// where there is one, the node and op.
final class ONNXImportErrorTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("lapq-onnx-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: scratch)
    }

    private func fixtureBytes(_ name: String) throws -> Data {
        let entry = try FixtureIndex.entry(name)
        return try Data(contentsOf: FixtureIndex.directory().appendingPathComponent(entry.model))
    }

    private func importError(_ body: () throws -> Graph) -> ONNXImportError? {
        do {
            _ = try body()
            XCTFail("import succeeded")
            return nil
        } catch let error as ONNXImportError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)")
            return nil
        }
    }

    func testUnsupportedOpNamesFileNodeOpAndTheSortedSupportedList() throws {
        let entry = try FixtureIndex.entry("unsupported_op")
        let expected = try XCTUnwrap(entry.expectedError)
        let error = importError { try FixtureIndex.graph("unsupported_op") }
        XCTAssertEqual(error, .unsupportedOp(file: try FixtureIndex.directory().appendingPathComponent(entry.model).relativePath,
                                             node: expected.node, op: expected.op, supported: ONNXImporter.supportedOps,
                                             operands: NodeOperands(operands: [.init(name: "Conv_0_out", shape: [1, 4, 8, 8])],
                                                                    readsPixels: true)))
        let message = try XCTUnwrap(error).description
        XCTAssertTrue(message.contains("It depends on the graph input (it reads 'Conv_0_out' (1×4×8×8))"), message)
        XCTAssertTrue(message.contains("unsupported_op.onnx: node 'Elu_0' uses op 'Elu', which lapq does not support; supported: Abs, Add, AveragePool, BatchNormalization,"), message)
        XCTAssertEqual(ONNXImporter.supportedOps, ONNXImporter.supportedOps.sorted())
        XCTAssertEqual(ONNXImporter.supportedOps, Set(NodeTranslator.translatedOps).union(ConstantInterpreter.ops).sorted(),
                       "the written-out list is the translated ops and those import evaluates")
    }

    func testMissingFileIsReportedAsUnreadable() {
        let error = importError { try ONNXImporter.load(contentsOf: URL(fileURLWithPath: "no/such/model.onnx")) }
        XCTAssertEqual(error, .unreadable(file: "no/such/model.onnx", reason: "no such file"))
    }

    func testTruncatedModelIsNotONNX() throws {
        let bytes = try fixtureBytes("resnet")
        let error = importError {
            try ONNXImporter.load(serialized: bytes.prefix(bytes.count / 2), file: "cut.onnx", baseDirectory: nil)
        }
        guard case .notONNX(let file, _)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(file, "cut.onnx")
        XCTAssertTrue(error?.description.hasPrefix("cut.onnx: not an ONNX model") ?? false)
    }

    func testGarbageBytesAreNotONNX() {
        var generator = SplitMix64(seed: 7)
        let garbage = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        for bytes in [garbage, Data("hello, this is a text file\n".utf8), Data()] {
            let error = importError { try ONNXImporter.load(serialized: bytes, file: "junk.onnx", baseDirectory: nil) }
            guard case .notONNX(file: "junk.onnx", _)? = error else { return XCTFail("got \(String(describing: error))") }
        }
    }

    func testMissingExternalDataFileNamesTheTensor() throws {
        let entry = try FixtureIndex.entry("external_data")
        let copy = scratch.appendingPathComponent(entry.model)
        try FileManager.default.copyItem(at: FixtureIndex.directory().appendingPathComponent(entry.model), to: copy)
        let error = importError { try ONNXImporter.load(contentsOf: copy) }
        guard case .invalidTensor(_, _, let reason)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(reason.contains("cannot read external data file"), reason)
    }

    func testExternalDataOutsideTheModelDirectoryIsRefused() throws {
        var model = ModelFactory.convModel()
        var weight = model.graph.initializer[0]
        weight.clearRawData()
        weight.floatData = []
        weight.dataLocation = .external
        weight.externalData = [ModelFactory.entry("location", "../secret.bin")]
        model.graph.initializer[0] = weight
        let error = importError {
            try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: scratch)
        }
        guard case .invalidTensor(_, _, let reason)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(reason.contains("outside the model's directory"), reason)
    }

    func testNonFloatInputIsRejected() throws {
        var model = ModelFactory.convModel()
        model.graph.input[0].type.tensorType.elemType = Int32(Onnx_TensorProto.DataType.uint8.rawValue)
        let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
        XCTAssertEqual(error, .nonFloatInput(file: "m.onnx", input: "x", elementType: "uint8"))
    }

    func testGraphWhoseOnlyInputIsAnInitializerHasNoGraphInput() throws {
        var model = ModelFactory.convModel()
        model.graph.input[0].name = "W"
        let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
        XCTAssertEqual(error, .noGraphInput(file: "m.onnx"))
    }

    func testRunTimeReshapeShapeIsUnresolvable() throws {
        var model = ModelFactory.convModel()
        model.graph.node.append(ModelFactory.node("Reshape", name: "Reshape_7", inputs: ["y", "x"], outputs: ["z"]))
        model.graph.output[0].name = "z"
        let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
        XCTAssertEqual(error, .unresolvableShape(file: "m.onnx", node: "Reshape_7", op: "Reshape", tensor: "x"))
    }

    func testHardSwishBeforeOpset14IsRejectedAndAcceptedFrom14() throws {
        var model = ModelFactory.convModel()
        model.graph.node.append(ModelFactory.node("HardSwish", name: "HardSwish_3", inputs: ["y"], outputs: ["z"]))
        model.graph.output[0].name = "z"
        let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
        XCTAssertEqual(error, .unsupportedAttribute(file: "m.onnx", node: "HardSwish_3", op: "HardSwish",
                                                    reason: "HardSwish needs opset ≥ 14; the model imports opset 13"))
        model.opsetImport[0].version = 14
        let graph = try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil)
        XCTAssertEqual(graph.nodes.map(\.op.name), ["Conv", "HardSwish"])
    }

    /// The executors run 2-D windows only; a 1-D or 3-D pooling or convolution is refused at
    /// import (ONNX's test_maxpool_1d_default was imported, then failed on its first run).
    func testPoolingAndConvolutionThatAreNotTwoDimensionalAreRefused() throws {
        for (op, kernel) in [("MaxPool", [2]), ("AveragePool", [2, 2, 2]), ("Conv", [3])] {
            var model = ModelFactory.convModel()
            var node = ModelFactory.node(op, name: "\(op)_1", inputs: op == "Conv" ? ["y", "W"] : ["y"], outputs: ["z"])
            node.attribute = [ModelFactory.ints("kernel_shape", kernel)]
            model.graph.node.append(node)
            model.graph.output[0].name = "z"
            let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
            XCTAssertEqual(error, .unsupportedAttribute(
                file: "m.onnx", node: "\(op)_1", op: op,
                reason: "only 2-D windows over (N, C, H, W) run; kernel_shape \(kernel) is \(kernel.count)-D"))
        }
    }

    func testShapeErrorNamesTheNode() throws {
        var model = ModelFactory.convModel()
        model.graph.input[0].type.tensorType.shape.dim[1].dimValue = 5
        let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
        guard case .invalidGraph("m.onnx", .shapeMismatch(let node, let op, _))? = error else {
            return XCTFail("got \(String(describing: error))")
        }
        XCTAssertEqual([node, op], ["Conv_a", "Conv"])
    }

    func testSymbolicSpatialDimensionIsRejected() throws {
        var model = ModelFactory.convModel()
        model.graph.input[0].type.tensorType.shape.dim[2].dimParam = "height"
        let error = importError { try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil) }
        guard case .unsupportedInputShape("m.onnx", "x", let reason)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertTrue(reason.contains("height"), reason)
    }
}

/// What import adds to an unsupported-op error once it knows the node's inputs
/// (`ONNXImportError.withOperands`, called where import catches the failure).
final class UnsupportedOpOperandsTests: XCTestCase {
    private let bare = ONNXImportError.unsupportedOp(file: "m.onnx", node: "Elu_0", op: "Elu", supported: ["Add", "Conv"])
    private let shapes = ["x": [1, 3, 8, 8], "y": [1, 8, 8, 8], "w": [8, 3, 3, 3], "axes": [1], "s": []]

    func testANodeOnThePixelsNamesItsInputShapesAndAsksForAnotherOp() {
        let error = bare.withOperands(["y", "", "w"], shapes: shapes, knownValues: ["w"])
        XCTAssertEqual(error, .unsupportedOp(file: "m.onnx", node: "Elu_0", op: "Elu", supported: ["Add", "Conv"],
                                             operands: NodeOperands(operands: [.init(name: "y", shape: [1, 8, 8, 8]),
                                                                               .init(name: "w", shape: [8, 3, 3, 3])],
                                                                    readsPixels: true)))
        XCTAssertEqual(error.description, "m.onnx: node 'Elu_0' uses op 'Elu', which lapq does not support; supported: Add, Conv. "
            + "It depends on the graph input (it reads 'y' (1×8×8×8), 'w' (8×3×3×3)), so the model needs this op replaced "
            + "by supported ones. Once the model imports, `lapq-coord inspect --model m.onnx` shows the graph lapq runs and "
            + "what it quantizes.")
    }

    func testANodeOnConstantsSuggestsConstantFolding() {
        let message = bare.withOperands(["axes", "s"], shapes: shapes, knownValues: ["axes", "s"]).description
        XCTAssertTrue(message.contains("It reads only constants and shapes known at import ('axes' (1), 's' (scalar)); "
                                       + "exporting with constant folding"), message)
    }

    /// An input whose shape import could not infer may or may not come from the pixels: the
    /// message lists it without guessing.
    func testAnUnknownInputLeavesThePixelsOpen() {
        let error = bare.withOperands(["w", "z"], shapes: shapes, knownValues: ["w"])
        guard case .unsupportedOp(_, _, _, _, let operands?) = error else { return XCTFail("\(error)") }
        XCTAssertNil(operands.readsPixels)
        XCTAssertTrue(error.description.contains("It reads 'w' (8×3×3×3), 'z' (shape unknown). Once the model imports"),
                      error.description)
    }

    func testOtherErrorsAndTheBareMessageAreUnchanged() {
        let other = ONNXImportError.missingOpset(file: "m.onnx")
        XCTAssertEqual(other.withOperands(["x"], shapes: shapes, knownValues: []), other)
        XCTAssertTrue(bare.description.hasSuffix("supported: Add, Conv. Once the model imports, "
                                                 + "`lapq-coord inspect --model m.onnx` shows the graph lapq runs and what it quantizes."))
    }
}
