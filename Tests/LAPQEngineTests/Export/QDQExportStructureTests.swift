import XCTest
import LAPQMath
@testable import LAPQEngine

/// The exported protobuf itself: nodes, Q/DQ chains, codes, names, in every export format.
/// Pure Swift.
final class QDQExportStructureTests: XCTestCase {
    private let cases = [("resnet", 4, 4), ("resnet", 2, 4), ("mobilenet_v2", 4, 4), ("mobilenet_v2", 2, 4),
                         ("mobilenet_v2", 3, 3), ("resnet", 8, 4), ("mobilenet_v2", 4, 8)]

    func testFixturesExportEveryPointAsAQDQChain() throws {
        for (fixture, weightBits, activationBits) in cases {
            let exportCase = try QDQExportCase(fixture: fixture, weightBits: weightBits, activationBits: activationBits)
            for format in QDQExportFormat.allCases {
                try checkChains(exportCase, format: format)
            }
        }
        let mixed = try QDQExportCase(fixture: "mobilenet_v2", weightBits: 4, activationBits: 4, pointBits: QDQExportCase.mixedBits)
        try checkChains(mixed, format: .int4)
    }

    /// Every point of the case exported in `format` as the chain its code type calls for, and
    /// nothing else added to the graph.
    private func checkChains(_ exportCase: QDQExportCase, format: QDQExportFormat) throws {
        let label = "\(exportCase.name), \(format)"
        let model = try ExportedModel(exportCase.exported(format))
        let plan = exportCase.plan
        XCTAssertEqual(model.proto.opsetImport.map(\.version), [format == .int8 ? 13 : 21], label)
        XCTAssertEqual(model.proto.opsetImport.map(\.domain), [""], label)
        XCTAssertEqual(model.proto.irVersion, format == .int8 ? 7 : 10, label)
        let activations = plan.points.filter { $0.kind == .activation }
        let clipped = activations.filter { activationClip(of: $0, format) != nil }.count
        let graphClips = exportCase.graph.nodes.filter { $0.op.name == "Clip" }.count
        XCTAssertGreaterThan(activations.count, 0, label)
        XCTAssertEqual(model.count("QuantizeLinear"), activations.count, label)
        XCTAssertEqual(model.count("Clip"), clipped + graphClips, label)
        let biased = try quantizedBiasLayers(exportCase)
        XCTAssertGreaterThan(biased.count, 0, label)
        XCTAssertEqual(model.count("DequantizeLinear"), plan.points.count + biased.count, label)
        let weights = plan.points.count - activations.count
        XCTAssertEqual(model.nodes.count,
                       exportCase.graph.nodes.count + 2 * activations.count + clipped + weights + biased.count, label)
        for (node, inputStep, weightStep) in biased {
            try checkBias(node, inputStep: inputStep, weightStep: weightStep, model: model, graph: exportCase.graph)
        }
        for node in exportCase.graph.nodes {
            let written = model.node(named: node.name)
            XCTAssertEqual(written?.opType, ONNXGraphAssembler.opType(of: node.op), "\(label): \(node.name)")
            XCTAssertEqual(written?.output, node.outputs, "\(label): \(node.name)")
        }
        for (index, point) in plan.points.enumerated() {
            let step = Float(exportCase.stepSizes[index])
            if point.kind == .weight {
                try checkWeight(point, step: step, format: format, model: model, graph: exportCase.graph)
            } else {
                try checkActivation(point, step: step, format: format, model: model, graph: exportCase.graph)
            }
        }
    }

    func testExportIsDeterministic() throws {
        let exportCase = try QDQExportCase(fixture: "mobilenet_v2", weightBits: 4, activationBits: 4)
        for format in QDQExportFormat.allCases {
            XCTAssertEqual(try exportCase.exported(format), try exportCase.exported(format), "\(format)")
        }
    }

    func testInputAndOutputsHaveASymbolicBatch() throws {
        let model = try ExportedModel(QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4).exported(.int8)).proto
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
        let model = try ExportedModel(exportCase.exported(.int8))
        let weightPoints = exportCase.plan.points.enumerated().filter { $0.element.kind == .weight }
        XCTAssertEqual(model.count("Sub"), weightPoints.count)
        var axes: Set<Int> = []
        for (index, point) in weightPoints {
            let consumer = try XCTUnwrap(model.node(named: point.consumers[0]))
            let sub = try XCTUnwrap(model.producer(of: consumer.input[1]), point.name)
            XCTAssertEqual(sub.opType, "Sub", point.name)
            XCTAssertEqual(model.producer(of: sub.input[0])?.opType, "DequantizeLinear", point.name)
            let shift = try XCTUnwrap(model.initializer(sub.input[1]), point.name)
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
            XCTAssertEqual(ExportedModel.floats(shift), expected.map(Float.init), point.name)
        }
        XCTAssertEqual(axes, [0, 1], "vgg should have weights with the output channel first (Conv, Gemm) and last (MatMul)")
    }

    // MARK: - Helpers

    /// The code type a point's DequantizeLinear reads in `format`: 4-bit types for points of at
    /// most 4 bits in the int4 format, 8-bit ones otherwise.
    private func codeType(of point: QuantizationPoint, _ format: QDQExportFormat) -> Onnx_TensorProto.DataType {
        switch (format == .int4 && point.bits <= 4, point.isSigned) {
        case (true, true): return .int4
        case (true, false): return .uint4
        case (false, true): return .int8
        case (false, false): return .uint8
        }
    }

    private enum ActivationClip { case onCodes, onInput }

    /// Where the activation's chain clips: on 8-bit codes always; before a 4-bit QuantizeLinear
    /// unless the grid is exactly the type's range (unsigned 4 bits: uint4 is [0, 15]).
    private func activationClip(of point: QuantizationPoint, _ format: QDQExportFormat) -> ActivationClip? {
        switch codeType(of: point, format) {
        case .int8, .uint8: return .onCodes
        default: return !point.isSigned && point.bits == 4 ? nil : .onInput
        }
    }

    /// The weight is an initializer of lapq's codes in the point's code type (4-bit ones packed)
    /// behind a DequantizeLinear(Δ, 0) that the consumer reads; the float weight is gone when
    /// nothing else reads it.
    private func checkWeight(_ point: QuantizationPoint, step: Float, format: QDQExportFormat,
                             model: ExportedModel, graph: Graph) throws {
        let consumer = try XCTUnwrap(model.node(named: point.consumers[0]))
        let dequantize = try XCTUnwrap(model.producer(of: consumer.input[1]), point.name)
        XCTAssertEqual(dequantize.opType, "DequantizeLinear", point.name)
        let codes = try XCTUnwrap(model.initializer(dequantize.input[0]), point.name)
        let type = codeType(of: point, format)
        XCTAssertEqual(codes.dataType, Int32(type.rawValue), point.name)
        let weight = try XCTUnwrap(graph.initializers[point.tensor])
        XCTAssertEqual(codes.dims.map { Int($0) }, weight.shape, point.name)
        XCTAssertEqual(codes.rawData.count, type == .int4 ? (weight.count + 1) / 2 : weight.count, point.name)
        let quantizer = point.quantizer(stepSize: step)
        let stored = ExportedModel.codes(codes)
        XCTAssertEqual(stored, weight.data.map(quantizer.code), point.name)
        XCTAssertTrue(stored.allSatisfy { abs($0) <= quantizer.quantMax }, point.name)
        XCTAssertGreaterThan(Set(stored).count, 1, "\(point.name): a constant grid would hide errors")
        try checkScaleAndZeroPoint(dequantize, step: step, type: type, model: model, label: point.name)
        if graph.consumers(of: point.tensor).count == 1 {
            XCTAssertNil(model.initializer(point.tensor), "\(point.name): the float weight is unused")
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
    private func checkBias(_ node: Node, inputStep: Float, weightStep: Float, model: ExportedModel, graph: Graph) throws {
        let written = try XCTUnwrap(model.node(named: node.name))
        let dequantize = try XCTUnwrap(model.producer(of: written.input[2]), node.name)
        XCTAssertEqual(dequantize.opType, "DequantizeLinear", node.name)
        XCTAssertEqual(dequantize.input.count, 2, "\(node.name): no zero point")
        let codes = try XCTUnwrap(model.initializer(dequantize.input[0]), node.name)
        XCTAssertEqual(codes.dataType, Int32(Onnx_TensorProto.DataType.int32.rawValue), node.name)
        let storedScale = try XCTUnwrap(ExportedModel.floats(XCTUnwrap(model.initializer(dequantize.input[1]), node.name)).first)
        XCTAssertEqual(storedScale, inputStep * weightStep, node.name)
        let bias = try XCTUnwrap(graph.initializers[node.inputs[2]])
        let expected = bias.data.map { Int32(($0 / storedScale).rounded(.toNearestOrEven)) }
        let stored = stride(from: 0, to: codes.rawData.count, by: 4).map { offset in
            codes.rawData[offset..<(offset + 4)].withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
        }
        XCTAssertEqual(stored, expected, node.name)
    }

    /// Quantized consumers read DQ(Q(x)) onto the point's code type with lapq's grid — through
    /// Clip(qmin, qmax) on 8-bit codes, or Clip(qmin · Δ, qmax · Δ) on x before a 4-bit Q when
    /// the type is wider than the grid; every other reader reads x. One Δ and zero point serve
    /// Q and DQ, except that a 4-bit Q gives its type by output_dtype instead of a zero point.
    private func checkActivation(_ point: QuantizationPoint, step: Float, format: QDQExportFormat,
                                 model: ExportedModel, graph: Graph) throws {
        let quantizer = point.quantizer(stepSize: step)
        let clip = activationClip(of: point, format)
        for reader in graph.consumers(of: point.tensor) {
            let written = try XCTUnwrap(model.node(named: reader.name))
            guard point.consumers.contains(reader.name) else {
                XCTAssertEqual(written.input.prefix(reader.inputs.count), ArraySlice(reader.inputs), "\(point.name): \(reader.name) reads float")
                continue
            }
            let dequantize = try XCTUnwrap(model.producer(of: written.input[0]), point.name)
            XCTAssertEqual(dequantize.opType, "DequantizeLinear", point.name)
            var quantize = try XCTUnwrap(model.producer(of: dequantize.input[0]), point.name)
            if clip == .onCodes {
                XCTAssertEqual(quantize.opType, "Clip", point.name)
                let bounds = try quantize.input[1...2].map { ExportedModel.codes(try XCTUnwrap(model.initializer($0), point.name)) }
                XCTAssertEqual(bounds, [[quantizer.quantMin], [quantizer.quantMax]], point.name)
                quantize = try XCTUnwrap(model.producer(of: quantize.input[0]), point.name)
            }
            XCTAssertEqual(quantize.opType, "QuantizeLinear", point.name)
            let type = codeType(of: point, format)
            if type == .int8 || type == .uint8 {
                XCTAssertEqual(quantize.input[1...], dequantize.input[1...], "\(point.name): one Δ and zero point")
                XCTAssertEqual(quantize.attribute, [], point.name)
            } else {
                // The type by output_dtype, the zero point (0) left out; see QDQCodeType.
                XCTAssertEqual(quantize.input.count, 2, point.name)
                XCTAssertEqual(quantize.input[1], dequantize.input[1], "\(point.name): one Δ")
                XCTAssertEqual(quantize.attribute.map(\.name), ["output_dtype"], point.name)
                XCTAssertEqual(quantize.attribute.first?.i, Int64(type.rawValue), point.name)
            }
            if clip == .onInput {
                let floatClip = try XCTUnwrap(model.producer(of: quantize.input[0]), point.name)
                XCTAssertEqual(floatClip.opType, "Clip", point.name)
                XCTAssertEqual(floatClip.input[0], point.tensor, point.name)
                let bounds = try floatClip.input[1...2].map {
                    ExportedModel.floats(try XCTUnwrap(model.initializer($0), point.name))
                }
                XCTAssertEqual(bounds, [[Float(quantizer.quantMin) * step], [Float(quantizer.quantMax) * step]], point.name)
            } else {
                XCTAssertEqual(quantize.input[0], point.tensor, point.name)
            }
            try checkScaleAndZeroPoint(dequantize, step: step, type: type, model: model, label: point.name)
        }
    }

    /// A scalar float32 Δ and a scalar zero point 0 of `type` (one byte, also for 4-bit types).
    private func checkScaleAndZeroPoint(_ node: Onnx_NodeProto, step: Float, type: Onnx_TensorProto.DataType,
                                        model: ExportedModel, label: String) throws {
        let scale = try XCTUnwrap(model.initializer(node.input[1]), label)
        XCTAssertEqual(scale.dims, [], label)
        XCTAssertEqual(ExportedModel.floats(scale), [step], label)
        let zeroPoint = try XCTUnwrap(model.initializer(node.input[2]), label)
        XCTAssertEqual(zeroPoint.dataType, Int32(type.rawValue), label)
        XCTAssertEqual(zeroPoint.rawData, Data([0]), label)
    }
}
