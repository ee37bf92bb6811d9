import Foundation

/// Typed access to the attributes of one ONNX node, with ONNX defaults supplied by the caller.
/// A present attribute of the wrong type is a malformed model and throws.
struct AttributeReader {
    let context: NodeContext
    private let attributes: [String: Onnx_AttributeProto]

    init(_ proto: Onnx_NodeProto, context: NodeContext) {
        self.context = context
        self.attributes = Dictionary(proto.attribute.map { ($0.name, $0) },
                                     uniquingKeysWith: { _, last in last })
    }

    func has(_ name: String) -> Bool { attributes[name] != nil }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let attribute = try attribute(name, .int) else { return value }
        return Int(attribute.i)
    }

    func ints(_ name: String, default value: [Int]) throws -> [Int] {
        guard let attribute = try attribute(name, .ints) else { return value }
        return attribute.ints.map { Int($0) }
    }

    func float(_ name: String, default value: Float) throws -> Float {
        guard let attribute = try attribute(name, .float) else { return value }
        return attribute.f
    }

    func floats(_ name: String) throws -> [Float]? {
        try attribute(name, .floats)?.floats
    }

    func string(_ name: String, default value: String) throws -> String {
        guard let attribute = try attribute(name, .string) else { return value }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    func tensor(_ name: String) throws -> Onnx_TensorProto? {
        try attribute(name, .tensor)?.t
    }

    private func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType) throws -> Onnx_AttributeProto? {
        guard let attribute = attributes[name] else { return nil }
        // IR version 1 models leave `type` unset; trust the field then.
        guard attribute.type == type || attribute.type == .undefined else {
            throw context.unsupported("attribute '\(name)' has type \(attribute.type), expected \(type)")
        }
        return attribute
    }
}

/// The file, node and op that an import error points at.
struct NodeContext {
    let file: String
    let node: String
    let op: String

    func unsupported(_ reason: String) -> ONNXImportError {
        .unsupportedAttribute(file: file, node: node, op: op, reason: reason)
    }
}
