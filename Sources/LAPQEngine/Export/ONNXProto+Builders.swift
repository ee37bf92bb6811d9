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

    /// A constant of quantization codes of `type` and `shape`; every value must fit the type.
    /// 8-bit codes take one byte each; 4-bit codes are packed two per byte as the ONNX spec
    /// requires for int4/uint4 (TensorProto, "raw_data"): element 2i in the low nibble,
    /// element 2i + 1 in the high one, an odd count leaving the last high nibble 0 — so n codes
    /// take ⌈n / 2⌉ bytes.
    static func codes(name: String, type: QDQCodeType, shape: [Int], values: [Int]) -> Onnx_TensorProto {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        let bytes = values.map { value -> UInt8 in
            precondition(type.range.contains(value), "\(value) does not fit a \(type.dataType) code")
            return UInt8(truncatingIfNeeded: value) & UInt8(truncatingIfNeeded: (1 << type.bitWidth) - 1)
        }
        guard type.bitWidth == 4 else { return raw(name: name, type: type.dataType, shape: shape, bytes: Data(bytes)) }
        let packed = stride(from: 0, to: bytes.count, by: 2).map { index in
            bytes[index] | (index + 1 < bytes.count ? bytes[index + 1] << 4 : 0)
        }
        return raw(name: name, type: type.dataType, shape: shape, bytes: Data(packed))
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
