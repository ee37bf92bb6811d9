import XCTest
import LAPQMath
@testable import LAPQEngine

/// What the int4 format adds to the chains `QDQExportStructureTests` checks in every format:
/// packed 4-bit initializers, the type of each point in a mixed-precision plan, and no 4-bit
/// tensor fed to an operator other than Q/DQ. Pure Swift.
final class QDQExportInt4Tests: XCTestCase {
    /// The ONNX spec's layout (onnx.proto, TensorProto.raw_data): element 2i in the low nibble,
    /// 2i + 1 in the high one, two's complement for int4, an odd count padded with a 0 nibble.
    func testFourBitCodesArePackedLowNibbleFirst() {
        let signed = Onnx_TensorProto.codes(name: "w", type: QDQCodeType(bitWidth: 4, isSigned: true),
                                            shape: [5], values: [-8, 7, -1, 0, 3])
        XCTAssertEqual(signed.dataType, Int32(Onnx_TensorProto.DataType.int4.rawValue))
        XCTAssertEqual([UInt8](signed.rawData), [0x78, 0x0F, 0x03])
        let unsigned = Onnx_TensorProto.codes(name: "x", type: QDQCodeType(bitWidth: 4, isSigned: false),
                                              shape: [2, 1], values: [15, 1])
        XCTAssertEqual(unsigned.dataType, Int32(Onnx_TensorProto.DataType.uint4.rawValue))
        XCTAssertEqual([UInt8](unsigned.rawData), [0x1F])
        let scalar = Onnx_TensorProto.codes(name: "z", type: QDQCodeType(bitWidth: 4, isSigned: true), shape: [], values: [0])
        XCTAssertEqual(scalar.rawData, Data([0]))
        XCTAssertEqual(ExportedModel.codes(signed), [-8, 7, -1, 0, 3])
        XCTAssertEqual(ExportedModel.codes(unsigned), [15, 1])
    }

    /// In a plan of 2…8 bits, points of at most 4 bits are int4/uint4 (weights packed to ⌈n/2⌉
    /// bytes) and the others int8/uint8, signed and unsigned both occurring.
    func testMixedPlanUsesFourBitTypesUpToFourBitsOnly() throws {
        let exportCase = try QDQExportCase(fixture: "mobilenet_v2", weightBits: 4, activationBits: 4,
                                           pointBits: QDQExportCase.mixedBits)
        let model = try ExportedModel(exportCase.exported(.int4))
        var seen: Set<Onnx_TensorProto.DataType> = []
        for point in exportCase.plan.points {
            let dequantize = try XCTUnwrap(model.node(named: point.tensor + "_DequantizeLinear"), point.name)
            let zeroPoint = try XCTUnwrap(model.initializer(dequantize.input[2]), point.name)
            let type = try XCTUnwrap(Onnx_TensorProto.DataType(rawValue: Int(zeroPoint.dataType)))
            seen.insert(type)
            let expected: Onnx_TensorProto.DataType = point.bits <= 4 ? (point.isSigned ? .int4 : .uint4)
                                                                       : (point.isSigned ? .int8 : .uint8)
            XCTAssertEqual(type, expected, "\(point.name), \(point.bits) bits")
            guard point.kind == .weight, let codes = model.initializer(dequantize.input[0]) else { continue }
            let count = try XCTUnwrap(exportCase.graph.initializers[point.tensor]).count
            XCTAssertEqual(codes.dataType, zeroPoint.dataType, point.name)
            XCTAssertEqual(codes.rawData.count, point.bits <= 4 ? (count + 1) / 2 : count, point.name)
        }
        XCTAssertEqual(seen, [.int4, .uint4, .int8, .uint8])
    }

    /// ONNX's Clip takes no 4-bit type and onnxruntime rejects such a model, so no node but
    /// QuantizeLinear / DequantizeLinear may touch a 4-bit tensor.
    func testOnlyQuantizeAndDequantizeTouchFourBitTensors() throws {
        let exportCase = try QDQExportCase(fixture: "mobilenet_v2", weightBits: 3, activationBits: 3)
        let model = try ExportedModel(exportCase.exported(.int4))
        let fourBit = Set([Onnx_TensorProto.DataType.int4, .uint4].map { Int32($0.rawValue) })
        let fourBitQuantizers = model.nodes.filter { node in
            node.opType == "QuantizeLinear" && node.attribute.contains { $0.name == "output_dtype" && fourBit.contains(Int32($0.i)) }
        }
        let fourBitTensors = Set(model.proto.graph.initializer.filter { fourBit.contains($0.dataType) }.map(\.name))
            .union(fourBitQuantizers.flatMap(\.output))
        XCTAssertFalse(fourBitTensors.isEmpty)
        for node in model.nodes where node.opType != "QuantizeLinear" && node.opType != "DequantizeLinear" {
            XCTAssertTrue(fourBitTensors.isDisjoint(with: node.input), "\(node.name) (\(node.opType)) reads a 4-bit tensor")
        }
    }
}
