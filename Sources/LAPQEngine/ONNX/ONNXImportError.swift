/// Why a model could not be imported. Every case names the model file (as the caller spelled
/// it) and, where there is one, the node and op, so the message tells a user what to change.
public enum ONNXImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// The bytes are not an ONNX ModelProto (not protobuf, truncated, or no graph in it).
    case notONNX(file: String, reason: String)
    /// The model imports no version of the default (`ai.onnx`) operator set.
    case missingOpset(file: String)
    /// The graph has no input that is not an initializer.
    case noGraphInput(file: String)
    /// The graph has several data inputs; lapq runs single-input networks.
    case multipleGraphInputs(file: String, inputs: [String])
    /// The graph input is not a float32 tensor.
    case nonFloatInput(file: String, input: String, elementType: String)
    /// The graph input's shape is missing, or symbolic beyond the batch dimension.
    case unsupportedInputShape(file: String, input: String, reason: String)
    /// A node uses an operation outside `ONNXImporter.supportedOps`; `operands` tell what it
    /// reads when import knows (`withOperands`).
    case unsupportedOp(file: String, node: String, op: String, supported: [String], operands: NodeOperands? = nil)
    /// A supported operation uses an attribute value or an output that lapq does not handle.
    case unsupportedAttribute(file: String, node: String, op: String, reason: String)
    /// A node parameter that lapq needs as a constant (Reshape's shape, Clip's bounds) is
    /// computed at run time.
    case unresolvableShape(file: String, node: String, op: String, tensor: String)
    /// A stored tensor (initializer, Constant value, external data) cannot be decoded.
    case invalidTensor(file: String, tensor: String, reason: String)
    /// The imported graph is malformed: undefined tensors, a cycle, shapes that do not fit.
    case invalidGraph(file: String, GraphError)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the model: \(reason)"
        case let .notONNX(file, reason):
            return "\(file): not an ONNX model: \(reason)"
        case let .missingOpset(file):
            return "\(file): the model imports no version of the ai.onnx operator set"
        case let .noGraphInput(file):
            return "\(file): the graph has no data input (every input is an initializer)"
        case let .multipleGraphInputs(file, inputs):
            return "\(file): the graph has \(inputs.count) data inputs (\(inputs.joined(separator: ", "))); lapq needs exactly one"
        case let .nonFloatInput(file, input, elementType):
            return "\(file): graph input '\(input)' has element type \(elementType); lapq needs float32"
        case let .unsupportedInputShape(file, input, reason):
            return "\(file): graph input '\(input)': \(reason)"
        case let .unsupportedOp(file, node, op, supported, operands):
            return "\(file): node '\(node)' uses op '\(op)', which lapq does not support; supported: \(supported.joined(separator: ", ")). "
                + (operands.map { $0.sentence + " " } ?? "")
                + "Once the model imports, `lapq-coord inspect --model \(file)` shows the graph lapq runs and what it quantizes."
        case let .unsupportedAttribute(file, node, op, reason):
            return "\(file): node '\(node)' (\(op)): \(reason)"
        case let .unresolvableShape(file, node, op, tensor):
            return "\(file): node '\(node)' (\(op)) needs '\(tensor)' as a constant, but it is computed at run time; export the model with constant folding and a fixed shape"
        case let .invalidTensor(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .invalidGraph(file, error):
            return "\(file): \(error)"
        }
    }

    /// This error with what the failing node reads, for `.unsupportedOp`; any other error
    /// unchanged. Import calls it where it catches a node's translation failing, with the node's
    /// ONNX inputs and what it tracks (`KnownValues.shapes`, the names of `KnownValues.values`).
    func withOperands(_ inputs: [String], shapes: [String: [Int]], knownValues: Set<String>) -> ONNXImportError {
        guard case let .unsupportedOp(file, node, op, supported, _) = self else { return self }
        return .unsupportedOp(file: file, node: node, op: op, supported: supported,
                              operands: NodeOperands(inputs: inputs, shapes: shapes, knownValues: knownValues))
    }
}
