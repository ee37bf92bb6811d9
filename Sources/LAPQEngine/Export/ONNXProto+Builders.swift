import Foundation

// Small constructors for the generated ONNX protobuf types, so the exporter reads as a list
// of nodes and constants rather than as field assignments.

extension Onnx_TensorProto {
    /// A float32 constant of `shape`, stored little-endian in `raw_data` (the compact form
    /// every ONNX reader accepts).
    static func float(name: String, shape: [Int], values: [Float]) -> Onnx_TensorProto {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return raw(name: name, type: .float, shape: shape, bytes: bytes)
    }

    /// An 8-bit integer constant (`int8` when `isSigned`, else `uint8`) of `shape`; every value
    /// must fit the type.
    static func eightBit(name: String, isSigned: Bool, shape: [Int], values: [Int]) -> Onnx_TensorProto {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        let range = isSigned ? -128...127 : 0...255
        let bytes = Data(values.map { value -> UInt8 in
            precondition(range.contains(value), "\(value) does not fit an 8-bit code")
            return UInt8(truncatingIfNeeded: value)
        })
        return raw(name: name, type: isSigned ? .int8 : .uint8, shape: shape, bytes: bytes)
    }

    /// An int32 constant of `shape` (quantized biases), little-endian in `raw_data`.
    static func int32(name: String, shape: [Int], values: [Int32]) -> Onnx_TensorProto {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return raw(name: name, type: .int32, shape: shape, bytes: bytes)
    }

    /// A 1-d int64 constant (Reshape's target shape).
    static func int64Vector(name: String, values: [Int]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(DataType.int64.rawValue)
        tensor.dims = [Int64(values.count)]
        tensor.int64Data = values.map { Int64($0) }
        return tensor
    }

    private static func raw(name: String, type: DataType, shape: [Int], bytes: Data) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(type.rawValue)
        tensor.dims = shape.map { Int64($0) }
        tensor.rawData = bytes
        return tensor
    }
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var attribute = named(name, .int)
        attribute.i = Int64(value)
        return attribute
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = named(name, .ints)
        attribute.ints = values.map { Int64($0) }
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = named(name, .float)
        attribute.f = value
        return attribute
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var attribute = named(name, .string)
        attribute.s = Data(value.utf8)
        return attribute
    }

    private static func named(_ name: String, _ type: AttributeType) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = type
        return attribute
    }
}

extension Onnx_NodeProto {
    init(name: String, opType: String, inputs: [String], outputs: [String],
         attributes: [Onnx_AttributeProto] = []) {
        self.init()
        self.name = name
        self.opType = opType
        self.input = inputs
        self.output = outputs
        self.attribute = attributes
    }
}

extension Onnx_ValueInfoProto {
    /// A float32 tensor of the given dimensions; a nil dimension is the symbolic `symbol`
    /// (the batch, chosen when the model runs).
    static func float(name: String, dimensions: [Int?], symbol: String) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensorType.shape.dim = dimensions.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            if let size { dimension.dimValue = Int64(size) } else { dimension.dimParam = symbol }
            return dimension
        }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensorType
        return info
    }
}
