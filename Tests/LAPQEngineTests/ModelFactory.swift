import Foundation
@testable import LAPQEngine

/// Hand-built ModelProtos for import tests that need a property no generated fixture has.
enum ModelFactory {
    /// x (N, 3, 4, 4) → Conv_a (W: 2×3×3×3, pads 1) → y, opset 13; W's values are 0.01·i.
    static func convModel() -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 13
        model.opsetImport = [opset]
        model.graph.name = "conv"
        model.graph.input = [valueInfo("x", dims: [nil, 3, 4, 4])]
        model.graph.output = [valueInfo("y", dims: [nil, 2, 4, 4])]
        model.graph.initializer = [floatTensor("W", shape: [2, 3, 3, 3], values: (0..<54).map { Float($0) * 0.01 })]
        var conv = node("Conv", name: "Conv_a", inputs: ["x", "W"], outputs: ["y"])
        conv.attribute = [ints("pads", [1, 1, 1, 1])]
        model.graph.node = [conv]
        return model
    }

    static func valueInfo(_ name: String, dims: [Int?]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        info.type.tensorType.shape.dim = dims.map { size in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let size { dim.dimValue = Int64(size) } else { dim.dimParam = "N" }
            return dim
        }
        return info
    }

    static func floatTensor(_ name: String, shape: [Int], values: [Float]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map { Int64($0) }
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = values
        return tensor
    }

    static func node(_ op: String, name: String, inputs: [String], outputs: [String]) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name
        node.input = inputs
        node.output = outputs
        return node
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map { Int64($0) }
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    static func entry(_ key: String, _ value: String) -> Onnx_StringStringEntryProto {
        var entry = Onnx_StringStringEntryProto()
        entry.key = key
        entry.value = value
        return entry
    }
}
