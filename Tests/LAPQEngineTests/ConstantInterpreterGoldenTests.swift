import Foundation
import XCTest
@testable import LAPQEngine

/// The import-time interpreter against onnx's reference implementation, op by op
/// (Fixtures/interpreter_goldens.json, Scripts/goldens/gen-interpreter-goldens.py): integer
/// results exactly, float results bit for bit, bool as 0/1.
final class ConstantInterpreterGoldenTests: XCTestCase {
    private struct Golden: Decodable {
        struct Value: Decodable {
            let type: String
            let shape: [Int]
            let values: [Double]
        }
        struct Attribute: Decodable {
            let int: Int?
            let ints: [Int]?
            let tensor: Value?

            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                int = try? container.decode(Int.self)
                ints = try? container.decode([Int].self)
                tensor = (try? container.decode([String: Value].self))?["tensor"]
            }
        }
        let name: String
        let op: String
        let opset: Int
        let attributes: [String: Attribute]
        let inputs: [Value?]
        let output: Value
    }

    func testEveryOpMatchesOnnxReference() throws {
        let url = try FixtureIndex.directory().appendingPathComponent("interpreter_goldens.json")
        let cases = try JSONDecoder().decode([String: [Golden]].self, from: Data(contentsOf: url))["cases"] ?? []
        XCTAssertGreaterThan(cases.count, 30)
        XCTAssertEqual(Set(cases.map(\.op)), ConstantInterpreter.ops, "every op the interpreter lists has goldens")
        for golden in cases {
            let proto = Onnx_NodeProto(name: golden.name, opType: golden.op,
                                       inputs: golden.inputs.enumerated().map { $1 == nil ? "" : "in\($0)" },
                                       outputs: ["out"], attributes: try golden.attributes.sorted { $0.key < $1.key }.map(attribute))
            let interpreter = ConstantInterpreter(proto, name: golden.name, file: "goldens", opset: golden.opset)
            let inputs = golden.inputs.map { $0.map(stored) }
            let result = try interpreter.evaluate(golden.op, inputs: inputs, shapes: inputs.map { $0?.shape })
            XCTAssertEqual(result, stored(golden.output), golden.name)
        }
    }

    private func stored(_ value: Golden.Value) -> StoredTensor {
        value.type == "float" ? .float(Tensor(shape: value.shape, data: value.values.map { Float($0) }))
            : .integer(shape: value.shape, values: value.values.map { Int64($0) })
    }

    private func attribute(_ entry: (key: String, value: Golden.Attribute)) throws -> Onnx_AttributeProto {
        if let int = entry.value.int { return .int(entry.key, int) }
        if let ints = entry.value.ints { return .ints(entry.key, ints) }
        let value = try XCTUnwrap(entry.value.tensor, entry.key)
        var tensor = Onnx_TensorProto()
        tensor.dims = value.shape.map { Int64($0) }
        if value.type == "float" {
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.floatData = value.values.map { Float($0) }
        } else {
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            tensor.int64Data = value.values.map { Int64($0) }
        }
        var proto = Onnx_AttributeProto()
        proto.name = entry.key
        proto.type = .tensor
        proto.t = tensor
        return proto
    }
}
