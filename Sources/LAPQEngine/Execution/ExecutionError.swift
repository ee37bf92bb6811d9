/// What can go wrong when running a graph: errors a caller (or a model) can cause.
public enum ExecutionError: Error, Equatable, CustomStringConvertible {
    /// The node needs something the executor does not do, e.g. a 3-D convolution.
    case unsupported(node: String, op: String, reason: String)
    /// The input tensor's shape does not match the graph's input.
    case inputShape(expected: [Int], got: [Int])
    /// Labels and batch differ in count, or a label is outside the logits' classes.
    case labels(String)
    /// The step vector has the wrong length.
    case stepCount(expected: Int, got: Int)
    /// A step size that is not a positive finite number.
    case invalidStepSize(point: String, value: Double)
    /// A quantization plan that does not belong to this graph.
    case planMismatch(String)
    /// A kernel failed while running a node.
    case kernel(node: String, message: String)
    /// The float network computed NaN or ±∞ on the data, first visible in `tensor` (the output
    /// of `node`, or the graph input when `node` is nil).
    case nonFinite(node: String?, tensor: String)

    public var description: String {
        switch self {
        case let .unsupported(node, op, reason):
            return "node '\(node)' (\(op)): \(reason)"
        case let .inputShape(expected, got):
            return "input shape \(got) does not match the model's input \(expected)"
        case let .labels(message):
            return message
        case let .stepCount(expected, got):
            return "expected \(expected) step sizes (one per quantization point), got \(got)"
        case let .invalidStepSize(point, value):
            return "step size \(value) for '\(point)' is not a positive finite number"
        case let .planMismatch(message):
            return "quantization plan does not match the graph: \(message)"
        case let .kernel(node, message):
            return "node '\(node)': \(message)"
        case let .nonFinite(node, tensor):
            let origin = node.map { "node '\($0)' computes NaN or infinity (its output '\(tensor)')" }
                ?? "the input '\(tensor)' holds NaN or infinity"
            return "\(origin) on the float network with this data; the model or the data is broken there"
        }
    }
}
