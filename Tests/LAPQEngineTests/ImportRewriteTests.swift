import Foundation
import XCTest
@testable import LAPQEngine

/// Numeric checks of the import rewrites and tensor decoding on hand-built models.
final class ImportRewriteTests: XCTestCase {
    private let gamma: [Float] = [1.5, 0.5], beta: [Float] = [0.1, -0.2]
    private let mean: [Float] = [0.3, -0.4], variance: [Float] = [2.0, 0.25], epsilon: Float = 1e-3

    /// convModel + BatchNormalization on y (→ z), optionally with a Relu also reading y.
    private func modelWithBatchNorm(sharedConvOutput: Bool) -> Onnx_ModelProto {
        var model = ModelFactory.convModel()
        model.graph.initializer += [
            ModelFactory.floatTensor("g", shape: [2], values: gamma), ModelFactory.floatTensor("b", shape: [2], values: beta),
            ModelFactory.floatTensor("m", shape: [2], values: mean), ModelFactory.floatTensor("v", shape: [2], values: variance),
        ]
        var batchNorm = ModelFactory.node("BatchNormalization", name: "BN_a", inputs: ["y", "g", "b", "m", "v"], outputs: ["z"])
        batchNorm.attribute = [ModelFactory.float("epsilon", epsilon)]
        model.graph.node.append(batchNorm)
        model.graph.output = [ModelFactory.valueInfo("z", dims: [nil, 2, 4, 4])]
        if sharedConvOutput {
            model.graph.node.append(ModelFactory.node("Relu", name: "Relu_a", inputs: ["y"], outputs: ["r"]))
            model.graph.output.append(ModelFactory.valueInfo("r", dims: [nil, 2, 4, 4]))
        }
        return model
    }

    private func load(_ model: Onnx_ModelProto) throws -> Graph {
        try ONNXImporter.load(serialized: try model.serializedBytes(), file: "m.onnx", baseDirectory: nil)
    }

    func testBatchNormFoldsIntoConvWeightAndBias() throws {
        let graph = try load(modelWithBatchNorm(sharedConvOutput: false))
        XCTAssertEqual(graph.nodes.map(\.name), ["Conv_a"])
        let conv = graph.nodes[0]
        XCTAssertEqual(conv.output, "z")
        let weight = try XCTUnwrap(graph.initializers[conv.inputs[1]])
        let bias = try XCTUnwrap(graph.initializers[conv.inputs[2]])
        for channel in 0..<2 {
            let scale = gamma[channel] / (variance[channel] + epsilon).squareRoot()
            for index in 0..<27 {
                XCTAssertEqual(weight.data[channel * 27 + index], Float(channel * 27 + index) * 0.01 * scale, accuracy: 1e-6)
            }
            XCTAssertEqual(bias.data[channel], beta[channel] - mean[channel] * scale, accuracy: 1e-6)
        }
    }

    func testBatchNormAfterSharedConvOutputBecomesScaleShift() throws {
        let graph = try load(modelWithBatchNorm(sharedConvOutput: true))
        XCTAssertEqual(graph.nodes.map(\.op.name), ["Conv", "ScaleShift", "Relu"])
        let scaleShift = graph.nodes[1]
        XCTAssertEqual(scaleShift.inputs[0], "y")
        let scale = try XCTUnwrap(graph.initializers[scaleShift.inputs[1]])
        let shift = try XCTUnwrap(graph.initializers[scaleShift.inputs[2]])
        let expectedScale = (0..<2).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        for channel in 0..<2 {
            XCTAssertEqual(scale.data[channel], expectedScale[channel], accuracy: 1e-6)
            XCTAssertEqual(shift.data[channel], beta[channel] - mean[channel] * expectedScale[channel], accuracy: 1e-6)
        }
        XCTAssertEqual(graph.initializers[graph.nodes[0].inputs[1]]?.data.first, 0, "the Conv weight is untouched")
    }

    func testFloat16AndDoubleInitializersAreWidened() throws {
        var model = ModelFactory.convModel()
        var half = model.graph.initializer[0]
        half.floatData = []
        half.dataType = Int32(Onnx_TensorProto.DataType.float16.rawValue)
        // 1.0, −2.0, 0.5, 65504 (largest half), 2^−24 (smallest subnormal), then zeros.
        let bits: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001] + Array(repeating: 0, count: 49)
        half.rawData = Data(bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        model.graph.initializer[0] = half
        let weight = try XCTUnwrap(load(model).initializers["W"])
        XCTAssertEqual(Array(weight.data.prefix(5)), [1, -2, 0.5, 65504, Float(sign: .plus, exponent: -24, significand: 1)])

        var double = ModelFactory.convModel()
        double.graph.initializer[0].floatData = []
        double.graph.initializer[0].dataType = Int32(Onnx_TensorProto.DataType.double.rawValue)
        double.graph.initializer[0].doubleData = (0..<54).map { Double($0) * 0.25 }
        XCTAssertEqual(try XCTUnwrap(load(double).initializers["W"]).data[5], 1.25)
    }

    func testRawDataWithWrongByteCountIsRejected() throws {
        var model = ModelFactory.convModel()
        model.graph.initializer[0].floatData = []
        model.graph.initializer[0].rawData = Data(repeating: 0, count: 54 * 4 - 4)
        XCTAssertThrowsError(try load(model)) { error in
            guard case ONNXImportError.invalidTensor("m.onnx", "W", let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("54"), reason)
        }
    }

    func testUnnamedNodesGetOpAndIndexNames() throws {
        var model = ModelFactory.convModel()
        model.graph.node.append(ModelFactory.node("Relu", name: "", inputs: ["y"], outputs: ["r"]))
        model.graph.output = [ModelFactory.valueInfo("r", dims: [nil, 2, 4, 4])]
        XCTAssertEqual(try load(model).nodes.map(\.name), ["Conv_a", "Relu_1"])
    }
}
