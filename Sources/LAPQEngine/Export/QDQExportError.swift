/// What can go wrong when exporting a quantized model: a plan or step vector that does not
/// fit the graph, a node the export cannot express, or a file that cannot be written.
public enum QDQExportError: Error, Equatable, CustomStringConvertible {
    /// The plan names a node or tensor the graph lacks, or a consumer that does not read it.
    case planMismatch(String)
    /// The step vector's length differs from the plan's point count.
    case stepCount(expected: Int, got: Int)
    /// A step size that is not a positive finite number.
    case invalidStepSize(point: String, value: Double)
    /// A weight point whose tensor is not a constant of the graph.
    case weightNotConstant(point: String)
    /// A node whose parameters the export cannot express.
    case unsupported(node: String, op: String, reason: String)
    /// The graph's shapes do not check (a graph built by hand, not by the importer).
    case invalidGraph(GraphError)
    /// The model file could not be written.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .planMismatch(message):
            return "cannot export: the quantization plan does not match the graph: \(message)"
        case let .stepCount(expected, got):
            return "cannot export: expected \(expected) step sizes (one per quantization point), got \(got)"
        case let .invalidStepSize(point, value):
            return "cannot export: step size \(value) for '\(point)' is not a positive finite number"
        case let .weightNotConstant(point):
            return "cannot export: '\(point)' quantizes a weight that is not a constant initializer"
        case let .unsupported(node, op, reason):
            return "cannot export node '\(node)' (\(op)): \(reason)"
        case let .invalidGraph(error):
            return "cannot export: \(error)"
        case let .unwritable(file, reason):
            return "\(file): cannot write the QDQ model: \(reason)"
        }
    }

    /// The export counterpart of an error that validating the plan raised.
    init(_ error: ExecutionError) {
        switch error {
        case let .stepCount(expected, got): self = .stepCount(expected: expected, got: got)
        case let .invalidStepSize(point, value): self = .invalidStepSize(point: point, value: value)
        case let .planMismatch(message): self = .planMismatch(message)
        default: self = .planMismatch("\(error)")
        }
    }
}
