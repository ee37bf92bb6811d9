import Foundation

/// A constant read from an ONNX TensorProto: float data becomes a `Tensor`; integer data
/// (shapes, axes) stays integral so that no value is rounded through Float.
enum StoredTensor: Sendable, Equatable {
    case float(Tensor)
    case integer(shape: [Int], values: [Int64])

    var shape: [Int] {
        switch self {
        case .float(let tensor): return tensor.shape
        case .integer(let shape, _): return shape
        }
    }
}

/// Decodes TensorProto payloads. Supported element types: FLOAT, DOUBLE, FLOAT16 and BFLOAT16
/// (converted exactly or rounded to nearest float32), the integer types and BOOL (as Int64). The payload comes from
/// `raw_data` (little-endian), the typed repeated field, or an external file.
struct TensorDecoder {
    /// The model file, for messages.
    let file: String
    /// Where external-data payloads come from.
    let externalData: ExternalDataSource

    func decode(_ proto: Onnx_TensorProto) throws -> StoredTensor {
        let name = proto.name
        guard proto.dims.allSatisfy({ $0 >= 0 }) else {
            throw invalid(name, "negative dimension in \(proto.dims)")
        }
        let shape = proto.dims.map { Int($0) }
        let count = shape.reduce(1, *)
        let raw: Data? = proto.dataLocation == .external
            ? try ExternalDataReader(file: file, source: externalData).read(proto)
            : (proto.hasRawData ? proto.rawData : nil)
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)) else {
            throw invalid(name, "unknown data type \(proto.dataType)")
        }
        switch type {
        case .float, .double, .float16, .bfloat16:
            let values = try floats(proto, type: type, raw: raw)
            guard values.count == count else { throw countMismatch(name, shape, values.count) }
            return .float(Tensor(shape: shape, data: values))
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .bool:
            let values = try integers(proto, type: type, raw: raw)
            guard values.count == count else { throw countMismatch(name, shape, values.count) }
            return .integer(shape: shape, values: values)
        default:
            throw invalid(name, "data type \(type) is not supported (float, double, float16, bfloat16, the integer types and bool are)")
        }
    }

    private func floats(_ proto: Onnx_TensorProto, type: Onnx_TensorProto.DataType,
                        raw: Data?) throws -> [Float] {
        switch type {
        case .float:
            return try raw.map { try littleEndian($0, as: UInt32.self, proto.name).map(Float.init(bitPattern:)) }
                ?? proto.floatData
        case .double:
            return try raw.map { try littleEndian($0, as: UInt64.self, proto.name).map { Float(Double(bitPattern: $0)) } }
                ?? proto.doubleData.map { Float($0) }
        case .float16:
            let bits = try raw.map { try littleEndian($0, as: UInt16.self, proto.name) }
                ?? proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            return bits.map(HalfPrecision.float(fromHalf:))
        default:
            let bits = try raw.map { try littleEndian($0, as: UInt16.self, proto.name) }
                ?? proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            return bits.map(HalfPrecision.float(fromBFloat16:))
        }
    }

    /// Integer and bool elements as Int64 (uint64 beyond Int64's range wraps; no shape or index
    /// needs it). Raw data holds each type at its width; the typed field is int64_data,
    /// uint64_data (uint32, uint64) or int32_data (the narrower types and bool).
    private func integers(_ proto: Onnx_TensorProto, type: Onnx_TensorProto.DataType,
                          raw: Data?) throws -> [Int64] {
        switch type {
        case .int64:
            return try raw.map { try littleEndian($0, as: UInt64.self, proto.name).map { Int64(bitPattern: $0) } } ?? proto.int64Data
        case .uint64:
            return try raw.map { try littleEndian($0, as: UInt64.self, proto.name).map { Int64(bitPattern: $0) } }
                ?? proto.uint64Data.map { Int64(bitPattern: $0) }
        case .uint32:
            return try raw.map { try littleEndian($0, as: UInt32.self, proto.name).map { Int64($0) } } ?? proto.uint64Data.map { Int64($0) }
        case .int32:
            return try raw.map { try littleEndian($0, as: UInt32.self, proto.name).map { Int64(Int32(bitPattern: $0)) } }
                ?? proto.int32Data.map { Int64($0) }
        case .int16, .uint16:
            let signed = type == .int16
            return try raw.map { try littleEndian($0, as: UInt16.self, proto.name).map { signed ? Int64(Int16(bitPattern: $0)) : Int64($0) } }
                ?? proto.int32Data.map { Int64($0) }
        default:   // int8, uint8, bool: one byte each
            return raw.map { bytes in bytes.map { type == .int8 ? Int64(Int8(bitPattern: $0)) : Int64($0) } }
                ?? proto.int32Data.map { Int64($0) }
        }
    }

    /// Reinterprets `bytes` as little-endian words; the byte count must be a whole number of them.
    private func littleEndian<Word: FixedWidthInteger>(_ bytes: Data, as _: Word.Type,
                                                       _ name: String) throws -> [Word] {
        let size = MemoryLayout<Word>.size
        guard bytes.count % size == 0 else {
            throw invalid(name, "raw data of \(bytes.count) bytes is not a whole number of \(size)-byte elements")
        }
        return bytes.withUnsafeBytes { buffer in
            (0..<(bytes.count / size)).map { index in
                Word(littleEndian: buffer.loadUnaligned(fromByteOffset: index * size, as: Word.self))
            }
        }
    }

    private func countMismatch(_ name: String, _ shape: [Int], _ found: Int) -> ONNXImportError {
        invalid(name, "shape \(shape) needs \(shape.reduce(1, *)) elements, the data has \(found)")
    }

    func invalid(_ name: String, _ reason: String) -> ONNXImportError {
        .invalidTensor(file: file, tensor: name, reason: reason)
    }
}
