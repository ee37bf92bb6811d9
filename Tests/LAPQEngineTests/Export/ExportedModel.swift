import Foundation
import XCTest
@testable import LAPQEngine

/// An exported model parsed back, with the look-ups the structure tests make: nodes by name or
/// output, initializers by name, and their values decoded from `raw_data` as the ONNX spec
/// lays them out — independently of the exporter's own builders.
struct ExportedModel {
    let proto: Onnx_ModelProto

    init(_ bytes: Data) throws {
        proto = try Onnx_ModelProto(serializedBytes: bytes)
    }

    var nodes: [Onnx_NodeProto] { proto.graph.node }

    func count(_ opType: String) -> Int {
        nodes.filter { $0.opType == opType }.count
    }

    func node(named name: String) -> Onnx_NodeProto? {
        nodes.first { $0.name == name }
    }

    func producer(of tensor: String) -> Onnx_NodeProto? {
        nodes.first { $0.output.contains(tensor) }
    }

    func initializer(_ name: String) -> Onnx_TensorProto? {
        proto.graph.initializer.first { $0.name == name }
    }

    /// The little-endian float32 values of a float initializer.
    static func floats(_ tensor: Onnx_TensorProto) -> [Float] {
        stride(from: 0, to: tensor.rawData.count, by: 4).map { offset in
            tensor.rawData[offset..<(offset + 4)].withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        }
    }

    /// The integer codes of an int8, uint8, int4 or uint4 initializer. 4-bit codes are two per
    /// byte, the first in the low nibble (onnx.proto, TensorProto.raw_data), so the raw data must
    /// be exactly ⌈n / 2⌉ bytes for n elements.
    static func codes(_ tensor: Onnx_TensorProto) -> [Int] {
        let count = tensor.dims.reduce(1) { $0 * Int($1) }
        let bytes = [UInt8](tensor.rawData)
        switch Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)) {
        case .int8?:
            return bytes.map { Int(Int8(bitPattern: $0)) }
        case .uint8?:
            return bytes.map { Int($0) }
        case .int4?, .uint4?:
            XCTAssertEqual(bytes.count, (count + 1) / 2, "\(tensor.name): \(count) int4 codes must take ⌈n/2⌉ bytes")
            let isSigned = tensor.dataType == Int32(Onnx_TensorProto.DataType.int4.rawValue)
            return (0..<count).map { index in
                let nibble = Int(index % 2 == 0 ? bytes[index / 2] & 0x0F : bytes[index / 2] >> 4)
                return isSigned && nibble >= 8 ? nibble - 16 : nibble
            }
        default:
            XCTFail("\(tensor.name): type \(tensor.dataType) holds no codes")
            return []
        }
    }
}
