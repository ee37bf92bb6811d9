import XCTest
import LAPQMath
@testable import LAPQEngine

/// The exported protobuf itself: nodes, Q/DQ chains, int8 codes, names, errors. Pure Swift.
final class QDQExportStructureTests: XCTestCase {
    private let cases = [("resnet", 4, 4), ("resnet", 2, 4), ("mobilenet_v2", 4, 4), ("mobilenet_v2", 2, 4)]

    func testFixturesExportEveryPointAsAQDQChain() throws {
        for (fixture, weightBits, activationBits) in cases {
            let exportCase = try QDQExportCase(fixture: fixture, weightBits: weightBits, activationBits: activationBits)
            let model = try exportedModel(exportCase)
            let plan = exportCase.plan
            XCTAssertEqual(model.opsetImport.map(\.version), [13], exportCase.name)
            XCTAssertEqual(model.opsetImport.map(\.domain), [""], exportCase.name)
            let activations = plan.points.filter { $0.kind == .activation }.count
            let graphClips = exportCase.graph.nodes.filter { $0.op.name == "Clip" }.count
            XCTAssertGreaterThan(activations, 0, exportCase.name)
            XCTAssertEqual(count("QuantizeLinear", model), activations, exportCase.name)
            XCTAssertEqual(count("Clip", model), activations + graphClips, exportCase.name)
            let biased = try quantizedBiasLayers(exportCase)
            XCTAssertGreaterThan(biased.count, 0, exportCase.name)
            XCTAssertEqual(count("DequantizeLinear", model), plan.points.count + biased.count, exportCase.name)
            let weights = plan.points.count - activations
            XCTAssertEqual(model.graph.node.count,
                           exportCase.graph.nodes.count + 3 * activations + weights + biased.count, exportCase.name)
            for (node, inputStep, weightStep) in biased {
                try checkBias(node, inputStep: inputStep, weightStep: weightStep, model: model, graph: exportCase.graph)
            }
            for node in exportCase.graph.nodes {
                let written = model.graph.node.first { $0.name == node.name }
                XCTAssertEqual(written?.opType, ONNXGraphAssembler.opType(of: node.op), "\(exportCase.name): \(node.name)")
                XCTAssertEqual(written?.output, node.outputs, "\(exportCase.name): \(node.name)")
            }
            for (index, point) in plan.points.enumerated() {
                let step = Float(exportCase.stepSizes[index])
                if point.kind == .weight {
                    try checkWeight(point, step: step, model: model, graph: exportCase.graph)
                } else {
                    try checkActivation(point, step: step, model: model, graph: exportCase.graph)
                }
            }
        }
    }

    func testExportIsDeterministic() throws {
        let exportCase = try QDQExportCase(fixture: "mobilenet_v2", weightBits: 4, activationBits: 4)
        let first = try QDQExporter.export(graph: exportCase.graph, plan: exportCase.plan, stepSizes: exportCase.stepSizes)
        let second = try QDQExporter.export(graph: exportCase.graph, plan: exportCase.plan, stepSizes: exportCase.stepSizes)
        XCTAssertEqual(first, second)
    }

    func testInputAndOutputsHaveASymbolicBatch() throws {
        let model = try exportedModel(QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4))
        let input = try XCTUnwrap(model.graph.input.first)
        XCTAssertEqual(model.graph.input.count, 1)
        XCTAssertEqual(input.type.tensorType.shape.dim.map(\.dimParam), ["batch", "", "", ""])
        XCTAssertEqual(input.type.tensorType.shape.dim.map(\.dimValue), [0, 3, 16, 16])
        let output = try XCTUnwrap(model.graph.output.first)
        XCTAssertEqual(output.type.tensorType.shape.dim.map(\.dimParam), ["batch", ""])
        XCTAssertEqual(output.type.tensorType.shape.dim.map(\.dimValue), [0, 10])
    }

    /// With bias correction each weight's DequantizeLinear is followed by a `Sub` of one float
    /// per output channel, shaped to broadcast along that channel's axis, holding exactly
    /// mean(ŵ_c) − mean(w_c): (C_out, 1, 1, 1) for Conv, (1, N) for MatMul, (N, 1) for a
    /// transB = 1 Gemm.
    func testBiasCorrectedWeightsAreDequantizedThenShiftedPerChannel() throws {
        let everyLayerCorrected = PlanSettings(weightBits: 2, activationBits: 4, quantizeFirstLayer: true,
                                               quantizeLastLayer: true, correctsWeightBias: true)
        let exportCase = try QDQExportCase(fixture: "vgg", plan: everyLayerCorrected)
        let model = try exportedModel(exportCase)
        let weightPoints = exportCase.plan.points.enumerated().filter { $0.element.kind == .weight }
        XCTAssertEqual(count("Sub", model), weightPoints.count)
        var axes: Set<Int> = []
        for (index, point) in weightPoints {
            let consumer = try XCTUnwrap(model.graph.node.first { $0.name == point.consumers[0] })
            let sub = try XCTUnwrap(producer(of: consumer.input[1], model), point.name)
            XCTAssertEqual(sub.opType, "Sub", point.name)
            XCTAssertEqual(producer(of: sub.input[0], model)?.opType, "DequantizeLinear", point.name)
            let shift = try XCTUnwrap(initializer(sub.input[1], model), point.name)
            let weight = try XCTUnwrap(exportCase.graph.initializers[point.tensor])
            let node = try XCTUnwrap(exportCase.graph.nodes.first { $0.name == point.consumers[0] })
            let axis: Int
            switch node.op {
            case .gemm(let attributes): axis = attributes.transB ? 0 : 1
            case .matMul: axis = 1
            default: axis = 0
            }
            axes.insert(axis)
            var shape = [Int](repeating: 1, count: weight.rank)
            shape[axis] = weight.shape[axis]
            XCTAssertEqual(shift.dims.map { Int($0) }, shape, point.name)
            let quantized = point.quantizer(stepSize: Float(exportCase.stepSizes[index])).fakeQuantized(weight.data)
            let expected = channelMeanShift(quantized: quantized, original: weight.data, shape: weight.shape, channelAxis: axis)
            let stored = stride(from: 0, to: shift.rawData.count, by: 4).map { offset in
                shift.rawData[offset..<(offset + 4)].withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            }
            XCTAssertEqual(stored, expected.map(Float.init), point.name)
        }
        XCTAssertEqual(axes, [0, 1], "vgg should have weights with the output channel first (Conv, Gemm) and last (MatMul)")
    }

    // MARK: - Helpers

    private func exportedModel(_ exportCase: QDQExportCase) throws -> Onnx_ModelProto {
        let bytes = try QDQExporter.export(graph: exportCase.graph, plan: exportCase.plan, stepSizes: exportCase.stepSizes)
        return try Onnx_ModelProto(serializedBytes: bytes)
    }

    private func count(_ opType: String, _ model: Onnx_ModelProto) -> Int {
        model.graph.node.filter { $0.opType == opType }.count
    }

    /// The weight is an int8 initializer of lapq's codes behind a DequantizeLinear(Δ, 0) that
    /// the consumer reads; the float weight is gone when nothing else reads it.
    private func checkWeight(_ point: QuantizationPoint, step: Float, model: Onnx_ModelProto, graph: Graph) throws {
        let consumer = try XCTUnwrap(model.graph.node.first { $0.name == point.consumers[0] })
        let dequantize = try XCTUnwrap(producer(of: consumer.input[1], model), point.name)
        XCTAssertEqual(dequantize.opType, "DequantizeLinear", point.name)
        let codes = try XCTUnwrap(initializer(dequantize.input[0], model), point.name)
        XCTAssertEqual(codes.dataType, Int32(Onnx_TensorProto.DataType.int8.rawValue), point.name)
        let weight = try XCTUnwrap(graph.initializers[point.tensor])
        XCTAssertEqual(codes.dims.map { Int($0) }, weight.shape, point.name)
        let quantizer = point.quantizer(stepSize: step)
        let expected = weight.data.map { Int8(quantizer.code($0)) }
        let stored = codes.rawData.map { Int8(bitPattern: $0) }
        XCTAssertEqual(stored, expected, point.name)
        XCTAssertTrue(stored.allSatisfy { abs(Int($0)) <= quantizer.quantMax }, point.name)
        XCTAssertGreaterThan(Set(stored).count, 1, "\(point.name): a constant grid would hide errors")
        try checkScaleAndZeroPoint(dequantize, step: step, isSigned: true, model: model, label: point.name)
        if graph.consumers(of: point.tensor).count == 1 {
            XCTAssertNil(initializer(point.tensor, model), "\(point.name): the float weight is unused")
        }
    }

    /// The layers whose input and weight are both quantized and whose bias is a constant, with
    /// their two step sizes as the quantizers hold them.
    private func quantizedBiasLayers(_ exportCase: QDQExportCase) throws -> [(Node, Float, Float)] {
        let plan = exportCase.plan
        func step(_ kind: QuantizationPoint.Kind, _ node: Node) -> Float? {
            plan.points.firstIndex { $0.kind == kind && $0.consumers.contains(node.name) }
                .map { Float(exportCase.stepSizes[$0]) }
        }
        return exportCase.graph.nodes.compactMap { node in
            guard node.inputs.count > 2, exportCase.graph.initializers[node.inputs[2]] != nil,
                  let input = step(.activation, node), let weight = step(.weight, node) else { return nil }
            return (node, input, weight)
        }
    }

    /// The layer reads its bias through DequantizeLinear(int32 codes, s = Δx·Δw), the codes
    /// being round(b / s) in float32.
    private func checkBias(_ node: Node, inputStep: Float, weightStep: Float, model: Onnx_ModelProto, graph: Graph) throws {
        let written = try XCTUnwrap(model.graph.node.first { $0.name == node.name })
        let dequantize = try XCTUnwrap(producer(of: written.input[2], model), node.name)
        XCTAssertEqual(dequantize.opType, "DequantizeLinear", node.name)
        XCTAssertEqual(dequantize.input.count, 2, "\(node.name): no zero point")
        let codes = try XCTUnwrap(initializer(dequantize.input[0], model), node.name)
        XCTAssertEqual(codes.dataType, Int32(Onnx_TensorProto.DataType.int32.rawValue), node.name)
        let scale = try XCTUnwrap(initializer(dequantize.input[1], model), node.name)
        let storedScale = scale.rawData.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        XCTAssertEqual(storedScale, inputStep * weightStep, node.name)
        let bias = try XCTUnwrap(graph.initializers[node.inputs[2]])
        let expected = bias.data.map { Int32(($0 / storedScale).rounded(.toNearestOrEven)) }
        let stored = stride(from: 0, to: codes.rawData.count, by: 4).map { offset in
            codes.rawData[offset..<(offset + 4)].withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
        }
        XCTAssertEqual(stored, expected, node.name)
    }

    /// Quantized consumers read DQ(Clip(Q(x))) with lapq's grid; every other reader reads x.
    private func checkActivation(_ point: QuantizationPoint, step: Float, model: Onnx_ModelProto, graph: Graph) throws {
        for reader in graph.consumers(of: point.tensor) {
            let written = try XCTUnwrap(model.graph.node.first { $0.name == reader.name })
            guard point.consumers.contains(reader.name) else {
                XCTAssertEqual(written.input.prefix(reader.inputs.count), ArraySlice(reader.inputs), "\(point.name): \(reader.name) reads float")
                continue
            }
            let dequantize = try XCTUnwrap(producer(of: written.input[0], model), point.name)
            let clip = try XCTUnwrap(producer(of: dequantize.input[0], model), point.name)
            let quantize = try XCTUnwrap(producer(of: clip.input[0], model), point.name)
            XCTAssertEqual([quantize.opType, clip.opType, dequantize.opType], ["QuantizeLinear", "Clip", "DequantizeLinear"])
            XCTAssertEqual(quantize.input[0], point.tensor, point.name)
            XCTAssertEqual(quantize.input[1...], dequantize.input[1...], "\(point.name): one Δ and zero point")
            let quantizer = point.quantizer(stepSize: step)
            XCTAssertEqual(try code(clip.input[1], model), quantizer.quantMin, point.name)
            XCTAssertEqual(try code(clip.input[2], model), quantizer.quantMax, point.name)
            try checkScaleAndZeroPoint(dequantize, step: step, isSigned: point.isSigned, model: model, label: point.name)
        }
    }

    private func checkScaleAndZeroPoint(_ node: Onnx_NodeProto, step: Float, isSigned: Bool,
                                        model: Onnx_ModelProto, label: String) throws {
        let scale = try XCTUnwrap(initializer(node.input[1], model), label)
        XCTAssertEqual(scale.dims, [], label)
        XCTAssertEqual(scale.rawData.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }, step, label)
        let zeroPoint = try XCTUnwrap(initializer(node.input[2], model), label)
        let type: Onnx_TensorProto.DataType = isSigned ? .int8 : .uint8
        XCTAssertEqual(zeroPoint.dataType, Int32(type.rawValue), label)
        XCTAssertEqual(zeroPoint.rawData, Data([0]), label)
    }

    /// The value of a scalar 8-bit initializer, read with its signedness.
    private func code(_ name: String, _ model: Onnx_ModelProto) throws -> Int {
        let tensor = try XCTUnwrap(initializer(name, model), name)
        let byte = try XCTUnwrap(tensor.rawData.first, name)
        return tensor.dataType == Int32(Onnx_TensorProto.DataType.int8.rawValue) ? Int(Int8(bitPattern: byte)) : Int(byte)
    }

    private func producer(of tensor: String, _ model: Onnx_ModelProto) -> Onnx_NodeProto? {
        model.graph.node.first { $0.output.contains(tensor) }
    }

    private func initializer(_ name: String, _ model: Onnx_ModelProto) -> Onnx_TensorProto? {
        model.graph.initializer.first { $0.name == name }
    }
}
